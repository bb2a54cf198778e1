package sfn

import (
	"context"
	"errors"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl"
	"github.com/mie-kafka/mie/internal/functions"
)

// checkDefinition parses a definition as CreateStateMachine,
// UpdateStateMachine and TestState do: InvalidDefinition lists the errors
// that internal/asl found, with AWS's diagnostic codes. An EXPRESS
// machine may not wait for a job (.sync), a token (.waitForTaskToken) or
// an activity, as on AWS.
func checkDefinition(def, typ string) (*asl.Machine, error) {
	m, err := asl.Parse([]byte(def))
	var ve *asl.ValidationError
	if errors.As(err, &ve) {
		var msgs []string
		for _, p := range ve.Problems {
			if p.Severity == asl.SeverityError {
				msgs = append(msgs, p.String())
			}
		}
		return nil, fault(InvalidDefinition, "Invalid State Machine Definition: '%s'", strings.Join(msgs, ", "))
	}
	if err != nil {
		return nil, fault(InvalidDefinition, "Invalid State Machine Definition: '%v'", err)
	}
	if typ == events.TypeExpress {
		if r := waitingResource(m); r != "" {
			return nil, fault(InvalidDefinition, "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machines do not support the resource %s'", r)
		}
	}
	return m, nil
}

// waitingResource is the first Task resource of m (nested machines
// included) that waits for a job, a token or an activity.
func waitingResource(m *asl.Machine) string {
	for _, name := range m.Order {
		switch st := m.States[name].(type) {
		case *asl.Task:
			r := st.Resource
			_, isActivity := functions.ActivityName(r)
			if isActivity || strings.HasSuffix(r, ".waitForTaskToken") || strings.HasSuffix(r, ".sync") || strings.HasSuffix(r, ".sync:2") {
				return r
			}
		case *asl.Parallel:
			for _, b := range st.Branches {
				if r := waitingResource(b); r != "" {
					return r
				}
			}
		case *asl.Map:
			if st.ItemProcessor != nil {
				if r := waitingResource(st.ItemProcessor); r != "" {
					return r
				}
			}
		}
	}
	return ""
}

// ValidateStateMachineDefinitionInput is ValidateStateMachineDefinition's
// request.
type ValidateStateMachineDefinitionInput struct {
	Definition string `json:"definition"`
	Type       string `json:"type"`
	Severity   string `json:"severity"`
	MaxResults int32  `json:"maxResults"`
}

// Diagnostic is one problem of a definition.
type Diagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

// ValidateStateMachineDefinitionOutput is its answer.
type ValidateStateMachineDefinitionOutput struct {
	Result      string       `json:"result"`
	Diagnostics []Diagnostic `json:"diagnostics"`
	Truncated   bool         `json:"truncated"`
}

// ValidateStateMachineDefinition reports a definition's problems without
// creating anything: result FAIL when it has an error, with every ERROR
// (and with severity WARNING, every warning) as a diagnostic, at most
// maxResults (default and limit 100) of them.
func (s *Service) ValidateStateMachineDefinition(_ context.Context, in *ValidateStateMachineDefinitionInput) (*ValidateStateMachineDefinitionOutput, error) {
	if in.Definition == "" {
		return nil, required("definition")
	}
	if err := checkLength("definition", in.Definition, 1, asl.MaxDefinitionSize); err != nil {
		return nil, err
	}
	if err := checkType(in.Type); err != nil {
		return nil, err
	}
	severity := in.Severity
	switch severity {
	case "":
		severity = "ERROR"
	case "ERROR", "WARNING":
	default:
		return nil, fault(ValidationException, "severity %q: want ERROR or WARNING", in.Severity)
	}
	size := 100
	if in.MaxResults < 0 || in.MaxResults > 100 {
		return nil, fault(ValidationException, "maxResults %d: want 0 to 100", in.MaxResults)
	} else if in.MaxResults > 0 {
		size = int(in.MaxResults)
	}
	var problems []asl.Problem
	m, err := asl.Parse([]byte(in.Definition))
	var ve *asl.ValidationError
	switch {
	case errors.As(err, &ve):
		problems = ve.Problems
	case err != nil:
		problems = []asl.Problem{{Code: asl.CodeSchema, Severity: asl.SeverityError, Message: err.Error()}}
	default:
		problems = m.Warnings
		if in.Type == events.TypeExpress {
			if r := waitingResource(m); r != "" {
				problems = append(problems, asl.Problem{Code: asl.CodeSchema, Severity: asl.SeverityError,
					Message: "Express state machines do not support the resource " + r})
			}
		}
	}
	out := &ValidateStateMachineDefinitionOutput{Result: "OK", Diagnostics: []Diagnostic{}}
	for _, p := range problems {
		if p.Severity == asl.SeverityError {
			out.Result = "FAIL"
		} else if severity == "ERROR" {
			continue
		}
		if len(out.Diagnostics) == size {
			out.Truncated = true
			continue
		}
		out.Diagnostics = append(out.Diagnostics, Diagnostic{Severity: p.Severity.String(), Code: string(p.Code),
			Message: p.Message, Location: p.Location})
	}
	return out, nil
}

func checkType(t string) error {
	switch t {
	case "", events.TypeStandard, events.TypeExpress:
		return nil
	}
	return fault(ValidationException, "type %q: want STANDARD or EXPRESS", t)
}
