package functions

import (
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/engine"
)

// Activities: a Task whose Resource is an activity ARN,
// arn:<partition>:states:<region>:<account>:activity:<Name>, sends its
// task to the activity's topic, where the Step Functions API's
// GetActivityTask hands it to one worker; the run waits for the answer
// to its token (SendTaskSuccess, SendTaskFailure), which is the result.

// ActivitySource is where activities are defined: the definitions store.
type ActivitySource interface {
	Activity(name string) (events.Activity, bool)
}

// ErrActivityDoesNotExist is the Task error of an activity that does not
// exist (any more) when the Task is scheduled.
const ErrActivityDoesNotExist = "States.ActivityDoesNotExist"

// ActivityName reads the activity name out of an activity ARN (region and
// account may be anything).
func ActivityName(resource string) (string, bool) {
	parts := strings.Split(resource, ":")
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "states" || parts[5] != "activity" || parts[6] == "" {
		return "", false
	}
	return parts[6], true
}

// activity resolves an activity ARN; ok is false for any other resource.
func (r *Resolver) activity(resource string, params any) (engine.Target, bool, error) {
	name, ok := ActivityName(resource)
	if !ok {
		return engine.Target{}, false, nil
	}
	if r.Activities == nil {
		return engine.Target{}, true, failure.New(ErrActivityDoesNotExist, "Activity Does Not Exist: %s (no activities are defined)", resource)
	}
	a, ok := r.Activities.Activity(name)
	if !ok {
		return engine.Target{}, true, failure.New(ErrActivityDoesNotExist, "Activity Does Not Exist: %s (create it with CreateActivity)", resource)
	}
	return engine.Target{Topic: a.Topic, Pattern: engine.WaitForTaskToken, Payload: params}, true, nil
}
