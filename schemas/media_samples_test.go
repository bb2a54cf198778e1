package schemas_test

import (
	"encoding/json"
	"time"

	"github.com/mie-kafka/mie/events"
)

// mediaSamples are the records of the MediaConvert integration.
func mediaSamples() []events.Payload {
	deadline := created.Add(time.Hour)
	return []events.Payload{
		&events.MediaConvertJob{JobId: "1773480413589-a1b2c3",
			Request: json.RawMessage(`{"Role":"arn:aws:iam::123456789012:role/MediaConvert","Settings":{"Inputs":[{"FileInput":"s3://media/upload/talk.mp4"}]}}`),
			Job:     json.RawMessage(`{"Id":"1773480413589-a1b2c3","Status":"SUBMITTED"}`),
			Sync:    true, Deadline: &deadline, ExecutionId: execID, TaskId: "t-9", Submitted: created},
	}
}
