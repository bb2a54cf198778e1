package sfn

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/mie-kafka/mie/internal/definitions"
	"github.com/mie-kafka/mie/internal/problem"
)

// Code is one of AWS's error types: the __type of an error answer and the
// HTTP status it goes with (400 for every client error, as on AWS).
type Code struct {
	Name   string
	Status int
}

func (c *Code) Error() string { return c.Name }

// AWS's error types that this API answers.
var (
	ActivityDoesNotExist          = &Code{"ActivityDoesNotExist", http.StatusBadRequest}
	ActivityLimitExceeded         = &Code{"ActivityLimitExceeded", http.StatusBadRequest}
	ActivityWorkerLimitExceeded   = &Code{"ActivityWorkerLimitExceeded", http.StatusBadRequest}
	ConflictException             = &Code{"ConflictException", http.StatusBadRequest}
	ExecutionAlreadyExists        = &Code{"ExecutionAlreadyExists", http.StatusBadRequest}
	ExecutionDoesNotExist         = &Code{"ExecutionDoesNotExist", http.StatusBadRequest}
	ExecutionLimitExceeded        = &Code{"ExecutionLimitExceeded", http.StatusBadRequest}
	ExecutionNotRedrivable        = &Code{"ExecutionNotRedrivable", http.StatusBadRequest}
	InvalidArn                    = &Code{"InvalidArn", http.StatusBadRequest}
	InvalidDefinition             = &Code{"InvalidDefinition", http.StatusBadRequest}
	InvalidEncryptionConfig       = &Code{"InvalidEncryptionConfiguration", http.StatusBadRequest}
	InvalidExecutionInput         = &Code{"InvalidExecutionInput", http.StatusBadRequest}
	InvalidLoggingConfiguration   = &Code{"InvalidLoggingConfiguration", http.StatusBadRequest}
	InvalidName                   = &Code{"InvalidName", http.StatusBadRequest}
	InvalidOutput                 = &Code{"InvalidOutput", http.StatusBadRequest}
	InvalidToken                  = &Code{"InvalidToken", http.StatusBadRequest}
	InvalidTracingConfiguration   = &Code{"InvalidTracingConfiguration", http.StatusBadRequest}
	MissingRequiredParameter      = &Code{"MissingRequiredParameter", http.StatusBadRequest}
	ResourceNotFound              = &Code{"ResourceNotFound", http.StatusBadRequest}
	ServiceQuotaExceededException = &Code{"ServiceQuotaExceededException", http.StatusBadRequest}
	StateMachineAlreadyExists     = &Code{"StateMachineAlreadyExists", http.StatusBadRequest}
	StateMachineDeleting          = &Code{"StateMachineDeleting", http.StatusBadRequest}
	StateMachineDoesNotExist      = &Code{"StateMachineDoesNotExist", http.StatusBadRequest}
	StateMachineLimitExceeded     = &Code{"StateMachineLimitExceeded", http.StatusBadRequest}
	StateMachineTypeNotSupported  = &Code{"StateMachineTypeNotSupported", http.StatusBadRequest}
	TaskDoesNotExist              = &Code{"TaskDoesNotExist", http.StatusBadRequest}
	TaskTimedOut                  = &Code{"TaskTimedOut", http.StatusBadRequest}
	TooManyTags                   = &Code{"TooManyTags", http.StatusBadRequest}
	ValidationException           = &Code{"ValidationException", http.StatusBadRequest}
	// The protocol's own.
	SerializationException    = &Code{"SerializationException", http.StatusBadRequest}
	UnknownOperationException = &Code{"UnknownOperationException", http.StatusBadRequest}
	RequestEntityTooLarge     = &Code{"RequestEntityTooLargeException", http.StatusRequestEntityTooLarge}
	ServiceUnavailable        = &Code{"ServiceUnavailable", http.StatusServiceUnavailable}
	InternalFailure           = &Code{"InternalFailure", http.StatusInternalServerError}
)

// Fault is an error with AWS's type and a message for the caller; Reason
// and ResourceName fill ValidationException's reason and
// ResourceNotFound's and TooManyTags' resourceName.
type Fault struct {
	Code         *Code
	Message      string
	Reason       string
	ResourceName string
}

func (f *Fault) Error() string { return f.Code.Name + ": " + f.Message }
func (f *Fault) Unwrap() error { return f.Code }

// fault returns a Fault of code with a formatted message.
func fault(c *Code, format string, args ...any) *Fault {
	return &Fault{Code: c, Message: fmt.Sprintf(format, args...)}
}

// errorTable maps the domain errors of the packages this API calls to
// AWS's error types; the first match wins, so specific kinds come before
// the problem classes they wrap.
var errorTable = []struct {
	err  error
	code *Code
}{
	{definitions.ErrStateMachineDoesNotExist, StateMachineDoesNotExist},
	{definitions.ErrStateMachineAlreadyExists, StateMachineAlreadyExists},
	{definitions.ErrStateMachineDeleting, StateMachineDeleting},
	{definitions.ErrStateMachineLimitExceeded, StateMachineLimitExceeded},
	{definitions.ErrResourceNotFound, ResourceNotFound},
	{definitions.ErrConflict, ConflictException},
	{definitions.ErrServiceQuotaExceeded, ServiceQuotaExceededException},
	{definitions.ErrActivityDoesNotExist, ActivityDoesNotExist},
	{definitions.ErrActivityLimitExceeded, ActivityLimitExceeded},
	{definitions.ErrTooManyTags, TooManyTags},
	{ErrTooManyPollers, ActivityWorkerLimitExceeded},
	{problem.ErrUnavailable, ServiceUnavailable},
	{problem.ErrTooLarge, ValidationException},
	{problem.ErrInvalid, ValidationException},
	{problem.ErrNotFound, ResourceNotFound},
	{problem.ErrConflict, ConflictException},
}

// classify returns the Fault to answer for err: err itself, or the table's
// type with err's message; anything else is an InternalFailure whose
// detail stays in the log.
func classify(err error) (*Fault, bool) {
	var f *Fault
	if errors.As(err, &f) {
		return f, true
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			msg := err.Error()
			var k *definitions.Kind
			if errors.As(err, &k) {
				msg = k.Message(err)
			}
			return &Fault{Code: row.code, Message: msg}, true
		}
	}
	return &Fault{Code: InternalFailure, Message: "internal failure"}, false
}
