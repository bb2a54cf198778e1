package transcode

import "encoding/json"

// The request types mirror MediaConvert's CreateJob shapes field for field,
// with the PascalCase JSON names Step Functions uses
// (arn:aws:states:::mediaconvert:createJob[.sync] Parameters). Only the
// fields the transcoder honours, or accepts because they only matter on
// AWS, are modelled: any other field is refused by Decode with its path,
// as MediaConvert refuses unknown fields. Enumerations are strings checked
// by Validate against MediaConvert's values.

// CreateJobRequest is the body of MediaConvert's CreateJob.
type CreateJobRequest struct {
	Role     string      `json:"Role"`
	Settings JobSettings `json:"Settings"`

	// AWS-only: accepted, kept on the Job, and otherwise without effect.
	AccelerationSettings  *AccelerationSettings `json:"AccelerationSettings,omitempty"`
	BillingTagsSource     string                `json:"BillingTagsSource,omitempty"`
	ClientRequestToken    string                `json:"ClientRequestToken,omitempty"`
	HopDestinations       []HopDestination      `json:"HopDestinations,omitempty"`
	JobEngineVersion      string                `json:"JobEngineVersion,omitempty"`
	Priority              *int                  `json:"Priority,omitempty"`
	Queue                 string                `json:"Queue,omitempty"`
	SimulateReservedQueue string                `json:"SimulateReservedQueue,omitempty"`
	StatusUpdateInterval  string                `json:"StatusUpdateInterval,omitempty"`
	Tags                  map[string]string     `json:"Tags,omitempty"`
	UserMetadata          map[string]string     `json:"UserMetadata,omitempty"`

	// JobTemplate names a template stored in MediaConvert; there are none
	// here, so a non-empty value is refused.
	JobTemplate string `json:"JobTemplate,omitempty"`

	// settingsJSON is Settings exactly as received, echoed on the Job.
	settingsJSON json.RawMessage
}

// AccelerationSettings is MediaConvert's accelerated transcoding switch.
type AccelerationSettings struct {
	Mode string `json:"Mode"`
}

// HopDestination is a queue hop (AWS queues only).
type HopDestination struct {
	Priority    *int   `json:"Priority,omitempty"`
	Queue       string `json:"Queue,omitempty"`
	WaitMinutes *int   `json:"WaitMinutes,omitempty"`
}

// JobSettings holds the inputs and the output groups.
type JobSettings struct {
	Inputs         []Input         `json:"Inputs"`
	OutputGroups   []OutputGroup   `json:"OutputGroups"`
	TimecodeConfig *TimecodeConfig `json:"TimecodeConfig,omitempty"`
	AdAvailOffset  *int            `json:"AdAvailOffset,omitempty"`
	FollowSource   *int            `json:"FollowSource,omitempty"`
}

// TimecodeConfig sets the job's output timecode. Output timecode only
// shows in timecode tracks and captions, which the transcoder does not
// write, so these are accepted and have no effect.
type TimecodeConfig struct {
	Anchor          string `json:"Anchor,omitempty"`
	Source          string `json:"Source,omitempty"`
	Start           string `json:"Start,omitempty"`
	TimestampOffset string `json:"TimestampOffset,omitempty"`
}

// Input is one input file.
type Input struct {
	FileInput      string                   `json:"FileInput"`
	AudioSelectors map[string]AudioSelector `json:"AudioSelectors,omitempty"`
	VideoSelector  *VideoSelector           `json:"VideoSelector,omitempty"`
	TimecodeSource string                   `json:"TimecodeSource,omitempty"`
	TimecodeStart  string                   `json:"TimecodeStart,omitempty"`
	InputClippings []InputClipping          `json:"InputClippings,omitempty"`
	FilterEnable   string                   `json:"FilterEnable,omitempty"`
	FilterStrength *int                     `json:"FilterStrength,omitempty"`
	DeblockFilter  string                   `json:"DeblockFilter,omitempty"`
	DenoiseFilter  string                   `json:"DenoiseFilter,omitempty"`
	InputScanType  string                   `json:"InputScanType,omitempty"`
	PsiControl     string                   `json:"PsiControl,omitempty"`
	ProgramNumber  *int                     `json:"ProgramNumber,omitempty"`
}

// InputClipping keeps a part of the input, by timecode HH:MM:SS:FF.
type InputClipping struct {
	StartTimecode string `json:"StartTimecode,omitempty"`
	EndTimecode   string `json:"EndTimecode,omitempty"`
}

// AudioSelector picks the input audio an output's AudioSourceName names.
type AudioSelector struct {
	Tracks                  []int  `json:"Tracks,omitempty"`
	DefaultSelection        string `json:"DefaultSelection,omitempty"`
	SelectorType            string `json:"SelectorType,omitempty"`
	LanguageCode            string `json:"LanguageCode,omitempty"`
	CustomLanguageCode      string `json:"CustomLanguageCode,omitempty"`
	Offset                  *int   `json:"Offset,omitempty"`
	ProgramSelection        *int   `json:"ProgramSelection,omitempty"`
	Pids                    []int  `json:"Pids,omitempty"`
	AudioDurationCorrection string `json:"AudioDurationCorrection,omitempty"`
	ExternalAudioFileInput  string `json:"ExternalAudioFileInput,omitempty"`
}

// VideoSelector describes the input video.
type VideoSelector struct {
	ColorSpace               string `json:"ColorSpace,omitempty"`
	ColorSpaceUsage          string `json:"ColorSpaceUsage,omitempty"`
	Rotate                   string `json:"Rotate,omitempty"`
	AlphaBehavior            string `json:"AlphaBehavior,omitempty"`
	SampleRange              string `json:"SampleRange,omitempty"`
	EmbeddedTimecodeOverride string `json:"EmbeddedTimecodeOverride,omitempty"`
	PadVideo                 string `json:"PadVideo,omitempty"`
	Pid                      *int   `json:"Pid,omitempty"`
	ProgramNumber            *int   `json:"ProgramNumber,omitempty"`
}
