package definitions

import (
	"fmt"

	"github.com/mie-kafka/mie/internal/problem"
)

// Kind is a class of Step Functions definition error. Each wraps the
// problem class MIE's API maps it to, so that errors.Is works with both
// the Kind and the problem; the Step Functions API maps each Kind to
// AWS's error type (api/sfn errors.go).
type Kind struct {
	name string
	base error
}

func (k *Kind) Error() string { return k.name }
func (k *Kind) Unwrap() error { return k.base }

// Message is err's text without the kind's name in front.
func (k *Kind) Message(err error) string {
	s := err.Error()
	if p := k.name + ": "; len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// The kinds of error the Step Functions definitions return.
var (
	ErrStateMachineDoesNotExist  = &Kind{"state machine does not exist", problem.ErrNotFound}
	ErrStateMachineAlreadyExists = &Kind{"state machine already exists", problem.ErrConflict}
	ErrStateMachineDeleting      = &Kind{"state machine is being deleted", problem.ErrConflict}
	ErrStateMachineLimitExceeded = &Kind{"state machine limit exceeded", problem.ErrConflict}
	ErrResourceNotFound          = &Kind{"resource not found", problem.ErrNotFound}
	ErrConflict                  = &Kind{"conflict", problem.ErrConflict}
	ErrServiceQuotaExceeded      = &Kind{"service quota exceeded", problem.ErrConflict}
	ErrActivityDoesNotExist      = &Kind{"activity does not exist", problem.ErrNotFound}
	ErrActivityLimitExceeded     = &Kind{"activity limit exceeded", problem.ErrConflict}
	ErrTooManyTags               = &Kind{"too many tags", problem.ErrInvalid}
)

// fail returns an error of kind k with a message.
func fail(k *Kind, format string, args ...any) error {
	return fmt.Errorf("%w: %s", k, fmt.Sprintf(format, args...))
}

// Limits of the Step Functions definitions: AWS's default quotas.
const (
	MaxStateMachines = 10000
	MaxActivities    = 10000
	MaxVersions      = 1000
	MaxAliases       = 100
	MaxTags          = 50
)
