package transcode_test

import (
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/problem"
)

// referenceJob is testdata/reference-job.json as a JSON tree.
func referenceJob(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile("testdata/reference-job.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

var pathPart = regexp.MustCompile(`^([A-Za-z0-9_]+)|^\[(\d+)\]|^\["([^"]+)"\]|^\.`)

// set puts v at a path like Settings.OutputGroups[0].Outputs[1].NameModifier
// (or ["Audio Selector 1"]), creating objects on the way; a nil v deletes.
func set(t *testing.T, root map[string]any, path string, v any) {
	t.Helper()
	var parts []any
	for path != "" {
		m := pathPart.FindStringSubmatch(path)
		if m == nil {
			t.Fatalf("bad path at %q", path)
		}
		switch {
		case m[1] != "":
			parts = append(parts, m[1])
		case m[2] != "":
			n, _ := strconv.Atoi(m[2])
			parts = append(parts, n)
		case m[3] != "":
			parts = append(parts, m[3])
		}
		path = path[len(m[0]):]
	}
	var cur any = root
	for i, p := range parts {
		last := i == len(parts)-1
		switch p := p.(type) {
		case string:
			obj := cur.(map[string]any)
			if last {
				if v == nil {
					delete(obj, p)
				} else {
					obj[p] = v
				}
				return
			}
			if obj[p] == nil {
				obj[p] = map[string]any{}
			}
			cur = obj[p]
		case int:
			arr := cur.([]any)
			if last {
				arr[p] = v
				return
			}
			cur = arr[p]
		}
	}
}

const out0 = "Settings.OutputGroups[0].Outputs[0]"
const h264p = out0 + ".VideoDescription.CodecSettings.H264Settings"
const hlsp = "Settings.OutputGroups[1].OutputGroupSettings.HlsGroupSettings"
const aacp = out0 + ".AudioDescriptions[0].CodecSettings.AacSettings"
const in0 = "Settings.Inputs[0]"

// refusals are settings the transcoder refuses, each with the path and
// the words of its problem.
var refusals = []struct {
	path, want string
	value      any
	at         string // the path the problem names, when not path
}{
	{out0 + ".VideoDescription.CodecSettings.Codec", "AV1 is not supported", "AV1", ""},
	{out0 + ".VideoDescription.CodecSettings.Codec", "PRORES is not supported", "PRORES", ""},
	{out0 + ".VideoDescription.CodecSettings.Codec", "is not a MediaConvert value", "H264", ""},
	{out0 + ".VideoDescription.CodecSettings.Av1Settings", "not supported by this transcoder", map[string]any{}, ""},
	{out0 + ".VideoDescription.Width", "must be even", 1921.0, ""},
	{out0 + ".VideoDescription.Width", "must be an integer", "wide", ""},
	{out0 + ".VideoDescription.ScalingBehavior", "SMART_CROP is not supported", "SMART_CROP", ""},
	{out0 + ".VideoDescription.TimecodeInsertion", "PIC_TIMING_SEI is not supported", "PIC_TIMING_SEI", ""},
	{out0 + ".VideoDescription.VideoPreprocessors", "not supported by this transcoder", map[string]any{}, ""},
	{out0 + ".VideoDescription.Bogus", "unknown field", 1.0, ""},
	{out0 + ".VideoDescription.width", `MediaConvert's name is "Width"`, 1.0, ""},
	{h264p + ".CodecProfile", "HIGH_10BIT is not supported", "HIGH_10BIT", ""},
	{h264p + ".InterlaceMode", "TOP_FIELD is not supported", "TOP_FIELD", ""},
	{h264p + ".Telecine", "HARD is not supported", "HARD", ""},
	{h264p + ".FramerateConversionAlgorithm", "INTERPOLATE is not supported", "INTERPOLATE", ""},
	{h264p + ".RateControlMode", "required with RateControlMode CBR", "CBR", h264p + ".Bitrate"},
	{h264p + ".GopSize", "set GopSizeUnits", 90.0, ""},
	{h264p + ".QvbrSettings.QvbrQualityLevel", "out of range [1, 10]", 11.0, ""},
	{h264p + ".QvbrSettings.MaxAverageBitrate", "not supported", 1000000.0, ""},
	{h264p + ".MaxBitrate", "required with RateControlMode QVBR", nil, ""},
	{h264p + ".SaliencyAwareEncoding", "not supported by this transcoder", "PREFERRED", ""},
	{aacp + ".CodecProfile", "HEV1 is not supported", "HEV1", ""},
	{aacp + ".CodingMode", "CODING_MODE_1_1 is not supported", "CODING_MODE_1_1", ""},
	{aacp + ".SampleRate", "not an AAC sample rate", 47000.0, ""},
	{aacp + ".RateControlMode", "VBR is not supported", "VBR", ""},
	{out0 + ".AudioDescriptions[0].CodecSettings.Codec", "MP3 is not supported", "MP3", ""},
	{out0 + ".AudioDescriptions[0].AudioNormalizationSettings", "not supported by this transcoder", map[string]any{}, ""},
	{out0 + ".ContainerSettings.Container", "MXF is not supported", "MXF", ""},
	{out0 + ".ContainerSettings.Container", "M3U8 belongs in an HLS_GROUP_SETTINGS group", "M3U8", ""},
	{out0 + ".ContainerSettings.Mp4Settings.FreeSpaceBox", "INCLUDE is not supported", "INCLUDE", ""},
	{out0 + ".CaptionDescriptions", "not supported by this transcoder", []any{}, ""},
	{out0 + ".Preset", "not supported by this transcoder", "System-Generic", ""},
	{out0 + ".NameModifier", "required when the group has more than one output", nil, ""},
	{"Settings.OutputGroups[0].Outputs[1].NameModifier", `"_1080p" is also Outputs[0]'s`, "_1080p", ""},
	{"Settings.OutputGroups[0].OutputGroupSettings.Type", "DASH_ISO_GROUP_SETTINGS is not supported", "DASH_ISO_GROUP_SETTINGS", ""},
	{"Settings.OutputGroups[0].OutputGroupSettings.FileGroupSettings.Destination", "only s3://bucket/key", "https://example.com/out/", ""},
	{"Settings.OutputGroups[0].OutputGroupSettings.FileGroupSettings.Destination", "$w$ is not allowed here", "s3://b-ok/$w$/", ""},
	{hlsp + ".SegmentControl", "is not a MediaConvert value", "SEGMENTED", ""},
	{hlsp + ".DirectoryStructure", "SUBDIRECTORY_PER_STREAM is not supported", "SUBDIRECTORY_PER_STREAM", ""},
	{hlsp + ".ManifestCompression", "GZIP is not supported", "GZIP", ""},
	{hlsp + ".ProgramDateTime", "INCLUDE is not supported", "INCLUDE", ""},
	{hlsp + ".SegmentLengthControl", "MATCH is not supported", "MATCH", ""},
	{hlsp + ".Encryption", "not supported by this transcoder", map[string]any{}, ""},
	{hlsp + ".AdditionalManifests", "not supported by this transcoder", []any{}, ""},
	{hlsp + ".BaseUrl", "not supported", "https://cdn.example.com/", ""},
	{"Settings.OutputGroups[1].Outputs[0].OutputSettings.HlsSettings.IFrameOnlyManifest", "INCLUDE is not supported", "INCLUDE", ""},
	{"Settings.OutputGroups[1].Outputs[0].ContainerSettings.M3u8Settings.Scte35Source", "PASSTHROUGH is not supported", "PASSTHROUGH", ""},
	{"Settings.OutputGroups[2].Outputs[0].ContainerSettings.Container", "FRAME_CAPTURE output needs Container RAW", "MP4", ""},
	{in0 + ".FileInput", "only s3://bucket/key", "https://example.com/in.mp4", ""},
	{in0 + ".FileInput", "required", nil, ""},
	{in0 + `.AudioSelectors["Audio Selector 1"].Pids`, "not supported", []any{256.0}, ""},
	{in0 + `.AudioSelectors["Audio Selector 1"].SelectorType`, "PID is not supported", "PID", ""},
	{in0 + ".VideoSelector.ColorSpace", "REC_709 is not supported", "REC_709", ""},
	{in0 + ".VideoSelector.Hdr10Metadata", "not supported by this transcoder", map[string]any{}, ""},
	{in0 + ".ImageInserter", "not supported by this transcoder", map[string]any{}, ""},
	{in0 + ".CaptionSelectors", "not supported by this transcoder", map[string]any{}, ""},
	{in0 + ".DenoiseFilter", "ENABLED is not supported", "ENABLED", ""},
	{in0 + ".TimecodeStart", "not a timecode", "10:00", ""},
	{"Settings.Inputs[1]", "one input per job", map[string]any{"FileInput": "s3://b-ok/x.mp4"}, ""},
	{"Settings.MotionImageInserter", "not supported by this transcoder", map[string]any{}, ""},
	{"Role", "required", nil, ""},
	{"JobTemplate", "no job templates", "my-template", ""},
	{"StatusUpdateInterval", "is not a MediaConvert value", "SECONDS_7", ""},
	{"Priority", "out of range [-50, 50]", 99.0, ""},
	{"NotAField", "unknown field (MediaConvert rejects unknown fields)", 1.0, ""},
}

func TestValidationRefusesWithPath(t *testing.T) {
	for _, c := range refusals {
		t.Run(c.path+"="+jsonText(c.value), func(t *testing.T) {
			job := referenceJob(t)
			if strings.HasPrefix(c.path, "Settings.Inputs[1]") {
				ins := job["Settings"].(map[string]any)["Inputs"].([]any)
				job["Settings"].(map[string]any)["Inputs"] = append(ins, c.value)
			} else {
				set(t, job, c.path, c.value)
			}
			data, _ := json.Marshal(job)
			_, err := transcode.Decode(data)
			var ve *transcode.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, problem.ErrInvalid) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			at := c.at
			if at == "" {
				at = c.path
			}
			for _, p := range ve.Problems {
				if p.Path == at && strings.Contains(p.Message, c.want) {
					return
				}
			}
			t.Fatalf("no problem at %s saying %q: %v", at, c.want, err)
		})
	}
}

// AWS-only settings are accepted and kept on the Job.
func TestValidationAcceptsAWSOnlySettings(t *testing.T) {
	job := referenceJob(t)
	for path, v := range map[string]any{
		"Queue":                 "arn:aws:mediaconvert:us-east-1:123456789012:queues/Default",
		"AccelerationSettings":  map[string]any{"Mode": "PREFERRED"},
		"BillingTagsSource":     "JOB",
		"Priority":              10.0,
		"StatusUpdateInterval":  "SECONDS_10",
		"SimulateReservedQueue": "DISABLED",
		"ClientRequestToken":    "abc",
		"JobEngineVersion":      "2023-11-01",
		"Tags":                  map[string]any{"team": "media"},
		"HopDestinations":       []any{map[string]any{"Queue": "arn:aws:mediaconvert:us-east-1:123456789012:queues/Other", "WaitMinutes": 5.0}},
		"Settings.OutputGroups[0].OutputGroupSettings.FileGroupSettings.DestinationSettings": map[string]any{
			"S3Settings": map[string]any{"StorageClass": "STANDARD_IA", "AccessControl": map[string]any{"CannedAcl": "BUCKET_OWNER_FULL_CONTROL"}}},
		"Settings.TimecodeConfig":                    map[string]any{"Source": "ZEROBASED"},
		"Settings.AdAvailOffset":                     0.0,
		out0 + ".VideoDescription.AfdSignaling":      "NONE",
		out0 + ".VideoDescription.ColorMetadata":     "INSERT",
		out0 + ".VideoDescription.DropFrameTimecode": "ENABLED",
		h264p + ".FieldEncoding":                     "PAFF",
		h264p + ".QualityTuningLevel":                "MULTI_PASS_HQ",
		h264p + ".SceneChangeDetect":                 "TRANSITION_DETECTION",
		aacp + ".Specification":                      "MPEG4",
		hlsp + ".CodecSpecification":                 "RFC_4281",
		hlsp + ".TimedMetadataId3Frame":              "PRIV",
		hlsp + ".ProgressiveWriteHlsManifest":        "ENABLED",
		in0 + ".PsiControl":                          "USE_PSI",
		"Settings.OutputGroups[1].Outputs[0].ContainerSettings.M3u8Settings": map[string]any{
			"PcrControl": "PCR_EVERY_PES_PACKET", "PmtPid": 480.0, "VideoPid": 481.0, "AudioPids": []any{482.0}, "ProgramNumber": 1.0},
	} {
		set(t, job, path, v)
	}
	data, _ := json.Marshal(job)
	req, err := transcode.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if req.Queue == "" || req.AccelerationSettings.Mode != "PREFERRED" || req.Tags["team"] != "media" || len(req.HopDestinations) != 1 {
		t.Fatalf("AWS settings not kept: %+v", req)
	}
}

// Every problem is reported at once, not just the first.
func TestValidationReportsEveryProblem(t *testing.T) {
	job := referenceJob(t)
	set(t, job, out0+".VideoDescription.CodecSettings.Codec", "VP9")
	set(t, job, aacp+".CodecProfile", "XHE")
	set(t, job, "Settings.Inputs[0].Foo", 1.0)
	data, _ := json.Marshal(job)
	_, err := transcode.Decode(data)
	var ve *transcode.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 3 {
		t.Fatalf("err = %v, want three problems", err)
	}
	// Unknown fields come first, then the settings' problems.
	if ve.Problems[0].Path != "Settings.Inputs[0].Foo" {
		t.Fatalf("problems %v", ve.Problems)
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 30 {
		b = b[:30]
	}
	return string(b)
}
