package events

import "time"

// ObjectCreated is the engine's S3 event notification: an object was
// written through mie, by an upload (POST /dataplane/upload), through the
// S3 endpoint, or by an aws-sdk:s3 Task. It goes to the objects topic,
// keyed by "<bucket>/<key>" (so the events of one object are in order),
// and starts the object-created triggers that match it.
type ObjectCreated struct {
	Bucket string `json:"Bucket"`
	Key    string `json:"Key"`
	Size   int64  `json:"Size"`
	// ETag is the object's entity tag without quotes, as S3's events
	// carry it.
	ETag string `json:"ETag"`
	// VersionId is set where the bucket keeps versions.
	VersionId   string `json:"VersionId,omitempty"`
	ContentType string `json:"ContentType,omitempty"`
	// Event is S3's event name: ObjectCreated:Put, ObjectCreated:Post,
	// ObjectCreated:Copy or ObjectCreated:CompleteMultipartUpload.
	Event string `json:"Event"`
	// Source says who wrote it: ObjectSourceUpload, ObjectSourceS3 or
	// ObjectSourceTask.
	Source    string `json:"Source"`
	RequestId string `json:"RequestId,omitempty"`
	SourceIP  string `json:"SourceIP,omitempty"`
	// Sequencer orders the events of one key (hex, increasing), as S3's.
	Sequencer string    `json:"Sequencer"`
	Time      time.Time `json:"Time"`
}

// Sources of ObjectCreated.
const (
	ObjectSourceUpload = "upload"
	ObjectSourceS3     = "s3"
	ObjectSourceTask   = "aws-sdk"
)

// ObjectKey is an object's key on the objects topic.
func ObjectKey(bucket, key string) string { return bucket + "/" + key }

func (*ObjectCreated) EventType() string { return "ObjectCreated" }

func init() {
	register(KindEvent, 1, func() Payload { return &ObjectCreated{} })
}
