package transcode

import (
	"crypto/rand"
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// JobStatus is a job's MediaConvert status.
type JobStatus string

// MediaConvert's job statuses.
const (
	StatusSubmitted   JobStatus = "SUBMITTED"
	StatusProgressing JobStatus = "PROGRESSING"
	StatusComplete    JobStatus = "COMPLETE"
	StatusCanceled    JobStatus = "CANCELED"
	StatusError       JobStatus = "ERROR"
)

func (s JobStatus) String() string { return string(s) }

// Done reports whether the status is final.
func (s JobStatus) Done() bool {
	return s == StatusComplete || s == StatusCanceled || s == StatusError
}

// JobPhase is what a PROGRESSING job is doing.
type JobPhase string

// MediaConvert's job phases.
const (
	PhaseProbing     JobPhase = "PROBING"
	PhaseTranscoding JobPhase = "TRANSCODING"
	PhaseUploading   JobPhase = "UPLOADING"
)

func (p JobPhase) String() string { return string(p) }

// Job is MediaConvert's Job, as GetJob (and Step Functions' createJob.sync,
// under "Job") returns it. Times are Unix epoch seconds, as in
// MediaConvert's JSON. OutputGroupDetails carry, besides MediaConvert's
// DurationInMs and VideoDetails, the file paths MediaConvert reports in its
// job COMPLETE event (Type, PlaylistFilePaths, OutputFilePaths).
type Job struct {
	AccelerationSettings  *AccelerationSettings `json:"AccelerationSettings,omitempty"`
	AccelerationStatus    string                `json:"AccelerationStatus,omitempty"`
	Arn                   string                `json:"Arn"`
	BillingTagsSource     string                `json:"BillingTagsSource,omitempty"`
	ClientRequestToken    string                `json:"ClientRequestToken,omitempty"`
	CreatedAt             Timestamp             `json:"CreatedAt"`
	CurrentPhase          JobPhase              `json:"CurrentPhase,omitempty"`
	ErrorCode             int                   `json:"ErrorCode,omitempty"`
	ErrorMessage          string                `json:"ErrorMessage,omitempty"`
	HopDestinations       []HopDestination      `json:"HopDestinations,omitempty"`
	Id                    string                `json:"Id"`
	JobEngineVersion      string                `json:"JobEngineVersionRequested,omitempty"`
	JobPercentComplete    int                   `json:"JobPercentComplete,omitempty"`
	OutputGroupDetails    []OutputGroupDetail   `json:"OutputGroupDetails,omitempty"`
	Priority              int                   `json:"Priority"`
	Queue                 string                `json:"Queue"`
	RetryCount            int                   `json:"RetryCount"`
	Role                  string                `json:"Role"`
	Settings              json.RawMessage       `json:"Settings"`
	SimulateReservedQueue string                `json:"SimulateReservedQueue,omitempty"`
	Status                JobStatus             `json:"Status"`
	StatusUpdateInterval  string                `json:"StatusUpdateInterval"`
	Timing                Timing                `json:"Timing"`
	UserMetadata          map[string]string     `json:"UserMetadata,omitempty"`
}

// Timing is when the job was submitted, started and finished.
type Timing struct {
	SubmitTime *Timestamp `json:"SubmitTime,omitempty"`
	StartTime  *Timestamp `json:"StartTime,omitempty"`
	FinishTime *Timestamp `json:"FinishTime,omitempty"`
}

// OutputGroupDetail describes one output group's results.
type OutputGroupDetail struct {
	OutputDetails     []OutputDetail `json:"OutputDetails"`
	Type              string         `json:"Type,omitempty"`              // FILE_GROUP or HLS_GROUP
	PlaylistFilePaths []string       `json:"PlaylistFilePaths,omitempty"` // HLS master playlist
}

// OutputDetail describes one output.
type OutputDetail struct {
	DurationInMs    int          `json:"DurationInMs"`
	VideoDetails    *VideoDetail `json:"VideoDetails,omitempty"`
	OutputFilePaths []string     `json:"OutputFilePaths,omitempty"`
}

// VideoDetail is an output's picture size.
type VideoDetail struct {
	WidthInPx  int `json:"WidthInPx"`
	HeightInPx int `json:"HeightInPx"`
}

// Timestamp is a time written as Unix epoch seconds (with milliseconds).
type Timestamp struct{ time.Time }

// NewTimestamp returns t as a *Timestamp.
func NewTimestamp(t time.Time) *Timestamp { return &Timestamp{t} }

// MarshalJSON writes epoch seconds.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)), nil
}

// UnmarshalJSON reads epoch seconds.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Timestamp{}
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	t.Time = time.UnixMilli(int64(f * 1000)).UTC()
	return nil
}

// newJobID makes a MediaConvert-style id: Unix milliseconds, '-', six
// base-36 characters.
func newJobID(now time.Time) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var b strings.Builder
	b.WriteString(strconv.FormatInt(now.UnixMilli(), 10))
	b.WriteByte('-')
	for range 6 {
		n, err := rand.Int(rand.Reader, big.NewInt(36))
		if err != nil {
			panic(err)
		}
		b.WriteByte(digits[n.Int64()])
	}
	return b.String()
}
