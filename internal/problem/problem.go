// Package problem holds the domain errors a user can cause. Packages wrap
// them with %w and a message naming the bad field or thing; the API maps
// each to an HTTP status and a stable code in one table.
package problem

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalid: the request is malformed or names a bad field (400).
	ErrInvalid = errors.New("invalid")
	// ErrNotFound: the named thing does not exist (404).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the thing exists already, or is in use (409).
	ErrConflict = errors.New("conflict")
	// ErrTooLarge: the request body is over a configured limit (413).
	ErrTooLarge = errors.New("too large")
	// ErrUnavailable: a dependency (Kafka) cannot be reached now (503).
	ErrUnavailable = errors.New("unavailable")
)

// Invalid returns an ErrInvalid naming the field.
func Invalid(field, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
}

// NotFound returns an ErrNotFound for a kind and name.
func NotFound(kind, name string) error {
	return fmt.Errorf("%w: %s %q", ErrNotFound, kind, name)
}

// Conflict returns an ErrConflict with a message.
func Conflict(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrConflict, fmt.Sprintf(format, args...))
}
