package tables

import (
	"errors"
	"fmt"
)

// Code is a DynamoDB error name, as its API reports it (the part of
// "__type" after '#') and as a Step Functions Task reports it after the
// "DynamoDB." prefix.
type Code string

// The error names the engine reports, DynamoDB's own.
const (
	ValidationException             Code = "ValidationException"
	ConditionalCheckFailedException Code = "ConditionalCheckFailedException"
	ResourceNotFoundException       Code = "ResourceNotFoundException"
	ResourceInUseException          Code = "ResourceInUseException"
	SerializationException          Code = "SerializationException"
	UnknownOperationException       Code = "UnknownOperationException"
	LimitExceededException          Code = "LimitExceededException"
	InternalServerError             Code = "InternalServerError"
	// ServiceUnavailable: the engine could not answer in time (the
	// tables processor is not running, or Kafka is unreachable); the
	// request may or may not have been applied, as with AWS's 5xx.
	ServiceUnavailable Code = "ServiceUnavailable"
)

// Namespace is where each code lives in DynamoDB's "__type" (the SDKs
// read only what follows the '#', but the CLI prints the whole).
func (c Code) Namespace() string {
	switch c {
	case ValidationException:
		return "com.amazon.coral.validate"
	case SerializationException, UnknownOperationException, ServiceUnavailable:
		return "com.amazon.coral.service"
	}
	return "com.amazonaws.dynamodb.v20120810"
}

// Client reports whether the error is the caller's (HTTP 400), rather
// than the service's (5xx).
func (c Code) Client() bool { return c != InternalServerError && c != ServiceUnavailable }

// Error is a DynamoDB error: its name, its message and, for a failed
// condition asked for ReturnValuesOnConditionCheckFailure ALL_OLD, the
// item as it was.
type Error struct {
	Code    Code
	Message string
	Item    Item
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// invalid is a ValidationException.
func invalid(format string, args ...any) *Error { return Errorf(ValidationException, format, args...) }

// AsError returns err as an *Error; any other error becomes an
// InternalServerError carrying its text.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: InternalServerError, Message: err.Error()}
}

// IsCode reports whether err is an *Error with the code.
func IsCode(err error, c Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == c
}
