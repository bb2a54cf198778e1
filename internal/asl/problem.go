package asl

import (
	"fmt"
	"strconv"
	"strings"
)

// Code is a diagnostic code of AWS's ValidateStateMachineDefinition.
type Code string

// The codes Parse reports. They are AWS's; see the package documentation
// for which check reports which.
const (
	CodeInvalidJSON             Code = "INVALID_JSON_DESCRIPTION"
	CodeMissingDescription      Code = "MISSING_DESCRIPTION"
	CodeSchema                  Code = "SCHEMA_VALIDATION_FAILED"
	CodeInvalidResource         Code = "INVALID_RESOURCE"
	CodeMissingEndState         Code = "MISSING_END_STATE"
	CodeDuplicateStateName      Code = "DUPLICATE_STATE_NAME"
	CodeInvalidStateName        Code = "INVALID_STATE_NAME"
	CodeMissingTransitionTarget Code = "MISSING_TRANSITION_TARGET"
	CodeDuplicateLabelName      Code = "DUPLICATE_LABEL_NAME"
	CodeInvalidLabelName        Code = "INVALID_LABEL_NAME"
	CodeTooDeeplyNested         Code = "TOO_DEEPLY_NESTED"
	// Warnings.
	CodeNoDollar           Code = "NO_DOLLAR"
	CodeNoPath             Code = "NO_PATH"
	CodePassResultIsStatic Code = "PASS_RESULT_IS_STATIC"
)

// Problem is one diagnostic: where, what, and how bad.
type Problem struct {
	// Location is a JSON-pointer-like path to the field at fault, such as
	// /States/Publish/Next or /States/P/Branches/0/States/T/Retry/1/ErrorEquals;
	// empty for a problem of the whole definition.
	Location string   `json:"location,omitempty"`
	Code     Code     `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

func (p Problem) String() string {
	loc := p.Location
	if loc == "" {
		loc = "/"
	}
	return fmt.Sprintf("%s %s at %s: %s", p.Severity, p.Code, loc, p.Message)
}

// ValidationError is what Parse returns for a definition it rejects: every
// problem found, errors and warnings, in the order found.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("asl: invalid state machine definition")
	n := 0
	for _, p := range e.Problems {
		if p.Severity != SeverityError {
			continue
		}
		if n == 3 {
			fmt.Fprintf(&b, "; and %d more", e.errorCount()-3)
			break
		}
		if n == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
		n++
	}
	return b.String()
}

func (e *ValidationError) errorCount() int {
	n := 0
	for _, p := range e.Problems {
		if p.Severity == SeverityError {
			n++
		}
	}
	return n
}

// loc is a location under construction; values are immutable.
type loc string

func (l loc) key(k string) loc {
	// Escape as JSON pointer does, so that a name holding "/" stays one step.
	k = strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
	return loc(string(l) + "/" + k)
}

func (l loc) index(i int) loc { return loc(string(l) + "/" + strconv.Itoa(i)) }

// problems collects diagnostics.
type problems struct {
	list []Problem
}

func (ps *problems) add(at loc, code Code, format string, args ...any) {
	ps.list = append(ps.list, Problem{Location: string(at), Code: code, Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) schema(at loc, format string, args ...any) {
	ps.add(at, CodeSchema, format, args...)
}

func (ps *problems) warn(at loc, code Code, format string, args ...any) {
	ps.list = append(ps.list, Problem{Location: string(at), Code: code, Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) hasErrors() bool {
	for _, p := range ps.list {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}
