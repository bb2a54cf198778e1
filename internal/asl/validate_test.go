package asl

import (
	"slices"
	"strings"
	"testing"
)

const lambda = `"Resource":"arn:aws:lambda:us-east-1:123456789012:function:F"`

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name string
		def  string
		want []string // "CODE location", in the order found
	}{
		// The definition as a whole.
		{"empty", ``, []string{"MISSING_DESCRIPTION "}},
		{"blank", " \n\t", []string{"MISSING_DESCRIPTION "}},
		{"bad json", `{"StartAt": "A",`, []string{"INVALID_JSON_DESCRIPTION "}},
		{"trailing data", `{} {}`, []string{"INVALID_JSON_DESCRIPTION "}},
		{"not an object", `[1]`, []string{"SCHEMA_VALIDATION_FAILED "}},
		{"too large", `{"Comment":"` + strings.Repeat("x", MaxDefinitionSize) + `"}`, []string{"SCHEMA_VALIDATION_FAILED "}},
		{"missing StartAt and States", `{"Comment":"c"}`, []string{"SCHEMA_VALIDATION_FAILED "}},
		{"unknown top field", `{"StartAt":"A","Foo":1,"States":{"A":{"Type":"Succeed"}}}`, []string{"SCHEMA_VALIDATION_FAILED "}},
		{"StartAt names no state", `{"StartAt":"Nope","States":{"A":{"Type":"Succeed"}}}`, []string{"MISSING_TRANSITION_TARGET /StartAt"}},
		{"empty States", `{"StartAt":"A","States":{}}`, []string{"SCHEMA_VALIDATION_FAILED /States", "MISSING_TRANSITION_TARGET /StartAt"}},
		{"bad TimeoutSeconds", `{"TimeoutSeconds":0,"StartAt":"A","States":{"A":{"Type":"Succeed"}}}`, []string{"SCHEMA_VALIDATION_FAILED /TimeoutSeconds"}},
		{"bad QueryLanguage", `{"QueryLanguage":"XPath","StartAt":"A","States":{"A":{"Type":"Succeed"}}}`, []string{"SCHEMA_VALIDATION_FAILED /QueryLanguage"}},
		// State names.
		{"duplicate state", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"A":{"Type":"Succeed"}}}`, []string{"DUPLICATE_STATE_NAME /States/A"}},
		{"duplicate across branches", machine(`"A":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}],"End":true}`),
			[]string{"DUPLICATE_STATE_NAME /States/A/Branches/1/States/X"}},
		{"name too long", `{"StartAt":"` + strings.Repeat("n", 81) + `","States":{"` + strings.Repeat("n", 81) + `":{"Type":"Succeed"}}}`,
			[]string{"INVALID_STATE_NAME /States/" + strings.Repeat("n", 81)}},
		{"control character in name", `{"StartAt":"A\u0001","States":{"A\u0001":{"Type":"Succeed"}}}`, []string{"INVALID_STATE_NAME /States/A\x01"}},
		{"empty name", `{"StartAt":"","States":{"":{"Type":"Succeed"}}}`, []string{"INVALID_STATE_NAME /States/"}},
		{"slash in name", `{"StartAt":"a/b","States":{"a/b":{"Type":"Pass","Next":"x"}}}`, []string{"MISSING_TRANSITION_TARGET /States/a~1b/Next", "MISSING_END_STATE "}},
		// Type and fields.
		{"no Type", machine(`"A":{"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"unknown Type", machine(`"A":{"Type":"Lambda","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Type"}},
		{"state not an object", machine(`"A":true`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"unknown field", machine(`"A":{"Type":"Pass","Foo":1,"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"field of another type", machine(`"A":{"Type":"Pass","Resource":"arn:aws:states:::x","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"TimeoutSeconds on Pass", machine(`"A":{"Type":"Pass","TimeoutSeconds":3,"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"Retry on Wait", machine(`"A":{"Type":"Wait","Seconds":1,"Retry":[],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"Catch on Pass", machine(`"A":{"Type":"Pass","Catch":[],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"InputPath on Fail", machine(`"A":{"Type":"Fail","InputPath":"$"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"Assign on Succeed", machine(`"A":{"Type":"Succeed","Assign":{"x":1}}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"wrong field type", machine(`"A":{"Type":"Pass","Comment":1,"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Comment"}},
		// Next and End.
		{"neither Next nor End", machine(`"A":{"Type":"Pass"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A", "MISSING_END_STATE "}},
		{"End false alone", machine(`"A":{"Type":"Pass","End":false}`), []string{"SCHEMA_VALIDATION_FAILED /States/A", "MISSING_END_STATE "}},
		{"both Next and End", machine(`"A":{"Type":"Pass","Next":"A","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A", "MISSING_END_STATE "}},
		{"Next to nowhere", machine(`"A":{"Type":"Pass","Next":"Archive"}`), []string{"MISSING_TRANSITION_TARGET /States/A/Next", "MISSING_END_STATE "}},
		{"empty Next", machine(`"A":{"Type":"Pass","Next":""}`), []string{"MISSING_TRANSITION_TARGET /States/A/Next", "MISSING_END_STATE "}},
		{"End on Choice", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Next":"B"}],"End":true},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"Next on Choice", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Next":"B"}],"Next":"B"},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"Next on Succeed", machine(`"A":{"Type":"Succeed","Next":"A"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"End on Fail", machine(`"A":{"Type":"Fail","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"no terminal state", machine(`"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}`), []string{"MISSING_END_STATE "}},
		{"unreachable", machine(`"A":{"Type":"Succeed"},"Orphan":{"Type":"Pass","Next":"A"}`), []string{"MISSING_TRANSITION_TARGET /States/Orphan"}},
		{"Next outside its branch", machine(`"A":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"A"}}}],"End":true}`),
			[]string{"MISSING_TRANSITION_TARGET /States/A/Branches/0/States/X/Next", "MISSING_END_STATE /States/A/Branches/0"}},
		{"Catch Next to nowhere", machine(`"A":{"Type":"Task",` + lambda + `,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Gone"}],"End":true}`), []string{"MISSING_TRANSITION_TARGET /States/A/Catch/0/Next"}},
		// Choice.
		{"Choice without Choices", machine(`"A":{"Type":"Choice","Default":"B"},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"empty Choices", machine(`"A":{"Type":"Choice","Choices":[],"Default":"B"},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices"}},
		{"rule without Next", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true}],"Default":"B"},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0"}},
		{"rule Next to nowhere", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Next":"X"}],"Default":"B"},"B":{"Type":"Succeed"}`), []string{"MISSING_TRANSITION_TARGET /States/A/Choices/0/Next"}},
		{"Default to nowhere", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Next":"B"}],"Default":"X"},"B":{"Type":"Succeed"}`), []string{"MISSING_TRANSITION_TARGET /States/A/Default"}},
		{"two operators", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"IsString":true,"Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0"}},
		{"no operator", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0"}},
		{"unknown rule field", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Foo":1,"Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0"}},
		{"operand type", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":"1","Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/NumericEquals"}},
		{"boolean operand type", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","BooleanEquals":1,"Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/BooleanEquals"}},
		{"Is operand type", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":"yes","Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/IsPresent"}},
		{"bad timestamp operand", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","TimestampEquals":"2016-03-14t01:59:00z","Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/TimestampEquals"}},
		{"Path operand not a path", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","StringEqualsPath":"a.b","Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/StringEqualsPath"}},
		{"no Path form of StringMatches", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","StringMatchesPath":"$.p","Next":"B"}]},"B":{"Type":"Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0", "SCHEMA_VALIDATION_FAILED /States/A/Choices/0"}},
		{"missing Variable", machine(`"A":{"Type":"Choice","Choices":[{"StringEquals":"x","Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0"}},
		{"bad Variable", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"a","StringEquals":"x","Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/Variable"}},
		{"Variable with And", machine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","And":[{"Variable":"$.a","IsNull":true}],"Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/Variable"}},
		{"Next in nested rule", machine(`"A":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.a","IsNull":true,"Next":"B"},"Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/Not"}},
		{"empty And", machine(`"A":{"Type":"Choice","Choices":[{"And":[],"Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/And"}},
		{"deep bad rule", machine(`"A":{"Type":"Choice","Choices":[{"Or":[{"Variable":"$.a","IsNull":true},{"And":[{"Variable":"$.b","NumericLessThan":true}]}],"Next":"B"}]},"B":{"Type":"Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/Or/1/And/0/NumericLessThan"}},
		{"Not of an array", machine(`"A":{"Type":"Choice","Choices":[{"Not":[],"Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/Not"}},
		{"jsonata rule without Condition", jsonataMachine(`"A":{"Type":"Choice","Choices":[{"Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0"}},
		{"jsonpath rule in jsonata", jsonataMachine(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Condition":"{% true %}","Next":"B"}]},"B":{"Type":"Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0", "SCHEMA_VALIDATION_FAILED /States/A/Choices/0"}},
		{"Condition not an expression", jsonataMachine(`"A":{"Type":"Choice","Choices":[{"Condition":"true","Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Choices/0/Condition"}},
		// Paths, templates and intrinsics.
		{"bad InputPath", machine(`"A":{"Type":"Pass","InputPath":"x","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/InputPath"}},
		{"ResultPath into context", machine(`"A":{"Type":"Pass","ResultPath":"$$.x","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ResultPath"}},
		{"ResultPath not a reference", machine(`"A":{"Type":"Pass","ResultPath":"$.a[*]","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ResultPath"}},
		{"ItemsPath not a reference", machine(`"A":{"Type":"Map","ItemsPath":"$.a[*]","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemsPath"}},
		{"dynamic value not a string", machine(`"A":{"Type":"Pass","Parameters":{"a":{"b.$":1}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Parameters/a/b.$"}},
		{"dynamic value bad path", machine(`"A":{"Type":"Task",` + lambda + `,"Parameters":{"l":[{"x.$":"nope"}]},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Parameters/l/0/x.$"}},
		{"bad intrinsic", machine(`"A":{"Type":"Pass","Parameters":{"f.$":"States.Format('x'"},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Parameters/f.$"}},
		{"ItemSelector not an object", machine(`"A":{"Type":"Map","ItemSelector":[],"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemSelector"}},
		{"Credentials not an object", machine(`"A":{"Type":"Task",` + lambda + `,"Credentials":"role","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Credentials"}},
		{"key and key.$", machine(`"A":{"Type":"Pass","Parameters":{"a":1,"a.$":"$.a"},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Parameters/a.$"}},
		{"bad ErrorPath", machine(`"A":{"Type":"Fail","ErrorPath":"$.a[*]"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ErrorPath"}},
		{"Error and ErrorPath", machine(`"A":{"Type":"Fail","Error":"E","ErrorPath":"$.e"}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Error"}},
		{"bad variable name", machine(`"A":{"Type":"Pass","Assign":{"1x":1,"states":2,"ok_1":3},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Assign/1x", "SCHEMA_VALIDATION_FAILED /States/A/Assign/states"}},
		// Query languages.
		{"JSONPath field in JSONata", jsonataMachine(`"A":{"Type":"Pass","InputPath":"$.a","OutputPath":"$.b","ResultPath":"$.c","End":true}`),
			[]string{"SCHEMA_VALIDATION_FAILED /States/A/InputPath", "SCHEMA_VALIDATION_FAILED /States/A/OutputPath", "SCHEMA_VALIDATION_FAILED /States/A/ResultPath"}},
		{"JSONata field in JSONPath", machine(`"A":{"Type":"Task",` + lambda + `,"Arguments":{},"Output":{},"End":true}`),
			[]string{"SCHEMA_VALIDATION_FAILED /States/A/Arguments", "SCHEMA_VALIDATION_FAILED /States/A/Output"}},
		{"JSONPath state in JSONata machine", jsonataMachine(`"A":{"Type":"Pass","QueryLanguage":"JSONPath","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"QueryLanguage in a branch", machine(`"A":{"Type":"Parallel","Branches":[{"QueryLanguage":"JSONata","StartAt":"X","States":{"X":{"Type":"Succeed"}}}],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Branches/0"}},
		{"QueryLanguage in an ItemProcessor", machine(`"A":{"Type":"Map","ItemProcessor":{"QueryLanguage":"JSONata","StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemProcessor"}},
		{"Map language is not inherited", machine(`"A":{"Type":"Map","QueryLanguage":"JSONata","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","Output":{},"End":true}}},"End":true}`),
			[]string{"SCHEMA_VALIDATION_FAILED /States/A/ItemProcessor/States/X/Output"}},
		{"bad state QueryLanguage", machine(`"A":{"Type":"Pass","QueryLanguage":"jsonata","InputPath":"$","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/QueryLanguage", "SCHEMA_VALIDATION_FAILED /States/A/InputPath"}},
		{"malformed JSONata", jsonataMachine(`"A":{"Type":"Pass","Output":{"a":["{% (1 %}"]},"End":true}`), []string{"INVALID_JSONATA_EXPRESSION /States/A/Output/a/0"}},
		{"top-level field reference in JSONata", jsonataMachine(`"A":{"Type":"Pass","Output":{"v":"{% phone %}"},"End":true}`), []string{"UNSUPPORTED_JSONATA_EXPRESSION /States/A/Output/v"}},
		{"$states.result in a Pass", jsonataMachine(`"A":{"Type":"Pass","Output":"{% $states.result %}","End":true}`), []string{"UNSUPPORTED_JSONATA_EXPRESSION /States/A/Output"}},
		{"$states.result in Arguments", jsonataMachine(`"A":{"Type":"Task",` + lambda + `,"Arguments":{"x":"{% $states.result %}"},"End":true}`), []string{"UNSUPPORTED_JSONATA_EXPRESSION /States/A/Arguments"}},
		{"$states.errorOutput outside a catcher", jsonataMachine(`"A":{"Type":"Task",` + lambda + `,"Assign":{"e":"{% $states.errorOutput %}"},"End":true}`), []string{"UNSUPPORTED_JSONATA_EXPRESSION /States/A/Assign"}},
		{"malformed JSONata condition", jsonataMachine(`"A":{"Type":"Choice","Choices":[{"Condition":"{% 1 + %}","Next":"B"}]},"B":{"Type":"Succeed"}`), []string{"INVALID_JSONATA_EXPRESSION /States/A/Choices/0/Condition"}},
		{"malformed JSONata in a catcher", jsonataMachine(`"A":{"Type":"Task",` + lambda + `,"Catch":[{"ErrorEquals":["States.ALL"],"Output":{"e":"{% $states.errorOutput. %}"},"Next":"B"}],"End":true},"B":{"Type":"Succeed"}`), []string{"INVALID_JSONATA_EXPRESSION /States/A/Catch/0/Output/e"}},
		{"JSONata seconds not an expression", jsonataMachine(`"A":{"Type":"Wait","Seconds":"10","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Seconds"}},
		{"SecondsPath in JSONata", jsonataMachine(`"A":{"Type":"Wait","SecondsPath":"$.s","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/SecondsPath", "SCHEMA_VALIDATION_FAILED /States/A"}},
		{"Items not an array", jsonataMachine(`"A":{"Type":"Map","Items":{"a":1},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Items"}},
		// Task.
		{"Task without Resource", machine(`"A":{"Type":"Task","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"Resource not an ARN", machine(`"A":{"Type":"Task","Resource":"my-function","End":true}`), []string{"INVALID_RESOURCE /States/A/Resource"}},
		{"heartbeat not below timeout", machine(`"A":{"Type":"Task",` + lambda + `,"TimeoutSeconds":10,"HeartbeatSeconds":10,"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/HeartbeatSeconds"}},
		{"timeout zero", machine(`"A":{"Type":"Task",` + lambda + `,"TimeoutSeconds":0,"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/TimeoutSeconds"}},
		{"timeout not an integer", machine(`"A":{"Type":"Task",` + lambda + `,"TimeoutSeconds":1.5,"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/TimeoutSeconds"}},
		{"timeout and timeout path", machine(`"A":{"Type":"Task",` + lambda + `,"TimeoutSeconds":5,"TimeoutSecondsPath":"$.t","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/TimeoutSeconds"}},
		// Retry and Catch.
		{"States.ALL not alone", machine(`"A":{"Type":"Task",` + lambda + `,"Retry":[{"ErrorEquals":["E","States.ALL"]}],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Retry/0/ErrorEquals/1"}},
		{"retrier after States.ALL", machine(`"A":{"Type":"Task",` + lambda + `,"Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["E"]}],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Retry/1"}},
		{"catcher after States.ALL", machine(`"A":{"Type":"Map","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"Catch":[{"ErrorEquals":["States.ALL"],"Next":"B"},{"ErrorEquals":["E"],"Next":"B"}],"End":true},"B":{"Type":"Succeed"}`),
			[]string{"SCHEMA_VALIDATION_FAILED /States/A/Catch/1"}},
		{"empty ErrorEquals", machine(`"A":{"Type":"Task",` + lambda + `,"Retry":[{"ErrorEquals":[]}],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Retry/0/ErrorEquals"}},
		{"retrier without ErrorEquals", machine(`"A":{"Type":"Task",` + lambda + `,"Retry":[{"MaxAttempts":1}],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Retry/0"}},
		{"catcher without Next", machine(`"A":{"Type":"Task",` + lambda + `,"Catch":[{"ErrorEquals":["E"]}],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Catch/0"}},
		{"bad retry numbers", machine(`"A":{"Type":"Task",` + lambda + `,"Retry":[{"ErrorEquals":["E"],"IntervalSeconds":0,"MaxAttempts":-1,"BackoffRate":0.5,"MaxDelaySeconds":31622401,"JitterStrategy":"HALF"}],"End":true}`),
			[]string{"SCHEMA_VALIDATION_FAILED /States/A/Retry/0/IntervalSeconds", "SCHEMA_VALIDATION_FAILED /States/A/Retry/0/MaxAttempts", "SCHEMA_VALIDATION_FAILED /States/A/Retry/0/BackoffRate",
				"SCHEMA_VALIDATION_FAILED /States/A/Retry/0/MaxDelaySeconds", "SCHEMA_VALIDATION_FAILED /States/A/Retry/0/JitterStrategy"}},
		{"nested retry location", machine(`"P":{"Type":"Parallel","Branches":[{"StartAt":"T","States":{"T":{"Type":"Task",` + lambda + `,"Retry":[{"ErrorEquals":["E"]},{"ErrorEquals":"E"}],"End":true}}}],"End":true},"A":{"Type":"Pass","Next":"P"}`),
			[]string{"SCHEMA_VALIDATION_FAILED /States/P/Branches/0/States/T/Retry/1/ErrorEquals"}},
		{"retrier not an object", machine(`"A":{"Type":"Task",` + lambda + `,"Retry":[1],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Retry/0"}},
		{"unknown catcher field", machine(`"A":{"Type":"Task",` + lambda + `,"Catch":[{"ErrorEquals":["E"],"Next":"A","MaxAttempts":1}],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Catch/0"}},
		// Wait.
		{"Wait without a time", machine(`"A":{"Type":"Wait","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"Wait with two times", machine(`"A":{"Type":"Wait","Seconds":1,"TimestampPath":"$.t","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/TimestampPath"}},
		{"bad Timestamp", machine(`"A":{"Type":"Wait","Timestamp":"2016-03-14 01:59:00Z","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Timestamp"}},
		{"lowercase z Timestamp", machine(`"A":{"Type":"Wait","Timestamp":"2016-03-14T01:59:00z","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Timestamp"}},
		{"negative Seconds", machine(`"A":{"Type":"Wait","Seconds":-1,"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Seconds"}},
		// Parallel.
		{"Parallel without Branches", machine(`"A":{"Type":"Parallel","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"empty Branches", machine(`"A":{"Type":"Parallel","Branches":[],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Branches"}},
		{"branch without States", machine(`"A":{"Type":"Parallel","Branches":[{"StartAt":"X"}],"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Branches/0"}},
		// Map.
		{"Map without processor", machine(`"A":{"Type":"Map","End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{"Map with both processors", machine(`"A":{"Type":"Map","Iterator":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"ItemProcessor":{"StartAt":"Y","States":{"Y":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Iterator"}},
		{"bad Mode", machine(`"A":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"PARALLEL"},"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemProcessor/ProcessorConfig/Mode"}},
		{"distributed without ExecutionType", machine(`"A":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemProcessor/ProcessorConfig"}},
		{"MaxConcurrency and its path", machine(`"A":{"Type":"Map","MaxConcurrency":2,"MaxConcurrencyPath":"$.c","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/MaxConcurrency"}},
		{"MaxConcurrency past int64", machine(`"A":{"Type":"Map","MaxConcurrency":9223372036854775808,"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/MaxConcurrency"}},
		{"negative MaxConcurrency", machine(`"A":{"Type":"Map","MaxConcurrency":-1,"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/MaxConcurrency"}},
		{"MaxConcurrencyPath in JSONata", jsonataMachine(`"A":{"Type":"Map","MaxConcurrencyPath":"$.c","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/MaxConcurrencyPath"}},
		{"tolerated percentage over 100", machine(`"A":{"Type":"Map","ToleratedFailurePercentage":101,"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ToleratedFailurePercentage"}},
		{"bad ItemReader resource", machine(`"A":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:unknownOperation"},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/Resource"}},
		{"bad InputType", machine(`"A":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"XML"}},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig/InputType"}},
		{"GIVEN without CSVHeaders", machine(`"A":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN"}},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}},
		{"bad CSVDelimiter and Transformation", machine(`"A":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVDelimiter":";"}},"ResultWriter":{"WriterConfig":{"OutputType":"JSONL","Transformation":"ZIP"}},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`),
			[]string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig/CSVDelimiter", "SCHEMA_VALIDATION_FAILED /States/A/ResultWriter/WriterConfig/Transformation"}},
		{"bad Label", machine(`"A":{"Type":"Map","Label":"has space","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"INVALID_LABEL_NAME /States/A/Label"}},
		{"duplicate Label", machine(`"A":{"Type":"Map","Label":"L","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Map","Label":"L","ItemProcessor":{"StartAt":"Y","States":{"Y":{"Type":"Succeed"}}},"End":true}}},"End":true}`), []string{"DUPLICATE_LABEL_NAME /States/A/ItemProcessor/States/X/Label"}},
		{"ItemSelector and Parameters", machine(`"A":{"Type":"Map","ItemSelector":{},"Parameters":{},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}`), []string{"SCHEMA_VALIDATION_FAILED /States/A/Parameters"}},
		// Many problems at once: all reported.
		{"every problem", machine(`"A":{"Type":"Pass","Next":"Nope","Foo":1},"B":{"Type":"Task","Resource":"x"},"C":{"Type":"Wait","Seconds":"x","End":true}`),
			[]string{"SCHEMA_VALIDATION_FAILED /States/A", "SCHEMA_VALIDATION_FAILED /States/B", "INVALID_RESOURCE /States/B/Resource", "SCHEMA_VALIDATION_FAILED /States/C/Seconds", "MISSING_TRANSITION_TARGET /States/A/Next",
				"MISSING_TRANSITION_TARGET /States/B", "MISSING_TRANSITION_TARGET /States/C"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problemsOf(t, tt.def)
			if !slices.Equal(got, tt.want) {
				_, err := Parse([]byte(tt.def))
				t.Errorf("problems = %q\nwant       %q\n(%v)", got, tt.want, err)
			}
		})
	}
}
