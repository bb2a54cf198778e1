package asl_test

import (
	"errors"
	"fmt"

	"github.com/mie-kafka/mie/internal/asl"
)

func ExampleParse() {
	_, err := asl.Parse([]byte(`{
		"StartAt": "Publish",
		"States": {
			"Publish": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Next": "Archive"},
			"Done": {"Type": "Succeed"}
		}
	}`))
	var ve *asl.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Println(p.Code, p.Location, p.Message)
		}
	}
	// Output:
	// MISSING_TRANSITION_TARGET /States/Publish/Next Missing 'Next' target: Archive
	// MISSING_TRANSITION_TARGET /States/Done State "Done" is not reachable.
}

func ExampleCondition_Eval() {
	m, err := asl.Parse([]byte(`{"StartAt": "Route", "States": {
		"Route": {"Type": "Choice", "Choices": [
			{"Variable": "$.file", "StringMatches": "*.mp4", "Next": "Video"}], "Default": "Other"},
		"Video": {"Type": "Succeed"}, "Other": {"Type": "Succeed"}}}`))
	if err != nil {
		panic(err)
	}
	rule := m.State("Route").(*asl.Choice).Choices[0]
	for _, input := range []any{map[string]any{"file": "talk.mp4"}, map[string]any{"file": 42}, map[string]any{}} {
		ok, err := rule.Condition.Eval(input, nil, nil)
		fmt.Println(ok, err)
	}
	// Output:
	// true <nil>
	// false <nil>
	// false States.Runtime: Invalid path '$.file': The choice state's condition path references an invalid value.
}
