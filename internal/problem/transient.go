package problem

import "errors"

// TransientError is a failure of a dependency that may go away: a dropped
// connection, a server restarting or overloaded. Retrying the same work
// later may succeed; it is ErrUnavailable (503) to a client.
type TransientError struct{ Err error }

func (e *TransientError) Error() string { return "transient: " + e.Err.Error() }
func (e *TransientError) Unwrap() error { return e.Err }

// Is makes a TransientError an ErrUnavailable.
func (e *TransientError) Is(target error) bool { return target == ErrUnavailable }

// Transient wraps err as a TransientError (nil stays nil).
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return &TransientError{Err: err}
}

// IsTransient reports whether err is worth retrying.
func IsTransient(err error) bool {
	var t *TransientError
	return errors.As(err, &t)
}
