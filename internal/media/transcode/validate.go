package transcode

import (
	"fmt"
	"slices"
	"strings"
)

// Validate checks every setting of a decoded request: values MediaConvert
// would refuse, and values it accepts that this transcoder cannot honour.
// Each problem names its JSON path. Settings that only matter on AWS
// (Role, Queue, StatusUpdateInterval, AccelerationSettings, ...) are
// checked against MediaConvert's values and otherwise accepted.
func Validate(req *CreateJobRequest) error {
	c := &checker{}
	c.request(req)
	if len(c.probs) > 0 {
		return &ValidationError{Problems: c.probs}
	}
	return nil
}

// checker collects problems.
type checker struct {
	probs []Problem
}

func (c *checker) add(path, format string, args ...any) {
	c.probs = append(c.probs, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// enum checks a MediaConvert enumeration: "" is the default; a value not
// in all is not MediaConvert's; a value in all but not in supported (when
// supported is non-nil) is one the transcoder cannot honour.
func (c *checker) enum(path, v string, all, supported []string) {
	switch {
	case v == "":
	case !slices.Contains(all, v):
		c.add(path, "%s is not a MediaConvert value (one of %s)", quote(v), strings.Join(all, ", "))
	case supported != nil && !slices.Contains(supported, v):
		c.add(path, "%s is not supported (supported: %s)", v, strings.Join(supported, ", "))
	}
}

// intRange checks an optional integer.
func (c *checker) intRange(path string, v *int, lo, hi int) {
	if v != nil && (*v < lo || *v > hi) {
		c.add(path, "%d is out of range [%d, %d]", *v, lo, hi)
	}
}

// only accepts an optional integer only when it has one of the values.
func (c *checker) only(path string, v *int, why string, allowed ...int) {
	if v != nil && !slices.Contains(allowed, *v) {
		c.add(path, "%d is not supported (%s)", *v, why)
	}
}

// unsupported refuses a setting that is present.
func (c *checker) unsupported(path string, present bool, why string) {
	if present {
		c.add(path, "not supported (%s)", why)
	}
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

var (
	accelerationModes      = []string{"DISABLED", "ENABLED", "PREFERRED"}
	billingTagsSources     = []string{"QUEUE", "PRESET", "JOB_TEMPLATE", "JOB"}
	simulateReservedQueues = []string{"DISABLED", "ENABLED"}
	statusUpdateIntervals  = []string{"SECONDS_10", "SECONDS_12", "SECONDS_15", "SECONDS_20", "SECONDS_30",
		"SECONDS_60", "SECONDS_120", "SECONDS_180", "SECONDS_240", "SECONDS_300", "SECONDS_360",
		"SECONDS_420", "SECONDS_480", "SECONDS_540", "SECONDS_600"}
	timecodeSources = []string{"EMBEDDED", "ZEROBASED", "SPECIFIEDSTART"}
)

func (c *checker) request(r *CreateJobRequest) {
	if r.Role == "" {
		c.add("Role", "required (the IAM role MediaConvert would assume; kept on the Job, not used)")
	}
	if r.AccelerationSettings != nil {
		if r.AccelerationSettings.Mode == "" {
			c.add("AccelerationSettings.Mode", "required")
		}
		c.enum("AccelerationSettings.Mode", r.AccelerationSettings.Mode, accelerationModes, nil)
	}
	c.enum("BillingTagsSource", r.BillingTagsSource, billingTagsSources, nil)
	c.enum("SimulateReservedQueue", r.SimulateReservedQueue, simulateReservedQueues, nil)
	c.enum("StatusUpdateInterval", r.StatusUpdateInterval, statusUpdateIntervals, nil)
	c.intRange("Priority", r.Priority, -50, 50)
	for i, h := range r.HopDestinations {
		c.intRange(fmt.Sprintf("HopDestinations[%d].Priority", i), h.Priority, -50, 50)
	}
	c.unsupported("JobTemplate", r.JobTemplate != "", "there are no job templates here; put the settings in the job")
	c.settings(&r.Settings)
}

func (c *checker) settings(s *JobSettings) {
	const p = "Settings"
	switch {
	case len(s.Inputs) == 0:
		c.add(p+".Inputs", "at least one input is required")
	case len(s.Inputs) > 1:
		c.add(p+".Inputs[1]", "not supported (one input per job: input stitching is not implemented)")
	}
	for i := range s.Inputs {
		c.input(fmt.Sprintf("%s.Inputs[%d]", p, i), &s.Inputs[i])
	}
	if s.TimecodeConfig != nil {
		c.enum(p+".TimecodeConfig.Source", s.TimecodeConfig.Source, timecodeSources, nil)
		if s.TimecodeConfig.Start != "" && !validTimecode(s.TimecodeConfig.Start) {
			c.add(p+".TimecodeConfig.Start", "%q is not a timecode HH:MM:SS:FF", s.TimecodeConfig.Start)
		}
		if s.TimecodeConfig.Anchor != "" && !validTimecode(s.TimecodeConfig.Anchor) {
			c.add(p+".TimecodeConfig.Anchor", "%q is not a timecode HH:MM:SS:FF", s.TimecodeConfig.Anchor)
		}
	}
	c.intRange(p+".AdAvailOffset", s.AdAvailOffset, -1000, 1000)
	c.only(p+".FollowSource", s.FollowSource, "the job has one input", 1)
	if len(s.OutputGroups) == 0 {
		c.add(p+".OutputGroups", "at least one output group is required")
	}
	regular := false
	for g := range s.OutputGroups {
		if c.outputGroup(fmt.Sprintf("%s.OutputGroups[%d]", p, g), &s.OutputGroups[g]) {
			regular = true
		}
	}
	if len(s.OutputGroups) > 0 && !regular {
		c.add(p+".OutputGroups", "a job of frame captures alone is not supported (MediaConvert needs a regular audio or video output too)")
	}
}

var (
	audioDefaultSelections = []string{"DEFAULT", "NOT_DEFAULT"}
	audioSelectorTypes     = []string{"PID", "TRACK", "LANGUAGE_CODE", "HLS_RENDITION_GROUP", "ALL_PCM", "STREAM"}
	audioDurationCorrect   = []string{"DISABLED", "AUTO", "TRACK", "FRAME", "FORCE"}
	colorSpaces            = []string{"FOLLOW", "REC_601", "REC_709", "HDR10", "HLG_2020", "P3DCI", "P3D65_SDR", "P3D65_HDR"}
	inputRotates           = []string{"DEGREE_0", "DEGREES_90", "DEGREES_180", "DEGREES_270", "AUTO"}
)

func (c *checker) input(p string, in *Input) {
	if in.FileInput == "" {
		c.add(p+".FileInput", "required")
	} else if _, err := parseS3URI(in.FileInput); err != nil {
		c.add(p+".FileInput", "%v", err)
	} else if strings.HasSuffix(in.FileInput, "/") {
		c.add(p+".FileInput", "%q names a folder, not a file", in.FileInput)
	}
	for _, name := range sortedMapKeys(in.AudioSelectors) {
		c.audioSelector(fmt.Sprintf("%s.AudioSelectors[%q]", p, name), in.AudioSelectors[name])
	}
	if v := in.VideoSelector; v != nil {
		vp := p + ".VideoSelector"
		c.enum(vp+".ColorSpace", v.ColorSpace, colorSpaces, []string{"FOLLOW"})
		c.enum(vp+".ColorSpaceUsage", v.ColorSpaceUsage, []string{"FORCE", "FALLBACK"}, nil)
		c.enum(vp+".Rotate", v.Rotate, inputRotates, nil)
		c.enum(vp+".AlphaBehavior", v.AlphaBehavior, []string{"DISCARD", "REMAP_TO_LUMA"}, []string{"DISCARD"})
		c.enum(vp+".SampleRange", v.SampleRange, []string{"FOLLOW", "FULL_RANGE", "LIMITED_RANGE"}, []string{"FOLLOW"})
		c.enum(vp+".EmbeddedTimecodeOverride", v.EmbeddedTimecodeOverride, []string{"NONE", "USE_MDPM"}, []string{"NONE"})
		c.enum(vp+".PadVideo", v.PadVideo, []string{"DISABLED", "BLACK"}, []string{"DISABLED"})
		c.unsupported(vp+".Pid", v.Pid != nil, "the first video stream is used")
		c.unsupported(vp+".ProgramNumber", v.ProgramNumber != nil, "the first program is used")
	}
	c.enum(p+".TimecodeSource", in.TimecodeSource, timecodeSources, nil)
	if in.TimecodeStart != "" && !validTimecode(in.TimecodeStart) {
		c.add(p+".TimecodeStart", "%q is not a timecode HH:MM:SS:FF", in.TimecodeStart)
	}
	for i, clip := range in.InputClippings {
		cp := fmt.Sprintf("%s.InputClippings[%d]", p, i)
		for _, tc := range []struct{ name, v string }{{"StartTimecode", clip.StartTimecode}, {"EndTimecode", clip.EndTimecode}} {
			if tc.v != "" && !validTimecode(tc.v) {
				c.add(cp+"."+tc.name, "%q is not a timecode HH:MM:SS:FF", tc.v)
			}
		}
		if clip.StartTimecode == "" && clip.EndTimecode == "" {
			c.add(cp, "needs a StartTimecode or an EndTimecode")
		}
	}
	if len(in.InputClippings) > 1 {
		c.add(p+".InputClippings[1]", "not supported (one clipping per input)")
	}
	c.enum(p+".FilterEnable", in.FilterEnable, []string{"AUTO", "DISABLE", "FORCE"}, nil)
	c.intRange(p+".FilterStrength", in.FilterStrength, -5, 5)
	c.enum(p+".DeblockFilter", in.DeblockFilter, []string{"ENABLED", "DISABLED"}, []string{"DISABLED"})
	c.enum(p+".DenoiseFilter", in.DenoiseFilter, []string{"ENABLED", "DISABLED"}, []string{"DISABLED"})
	c.enum(p+".InputScanType", in.InputScanType, []string{"AUTO", "PSF"}, []string{"AUTO"})
	c.enum(p+".PsiControl", in.PsiControl, []string{"IGNORE_PSI", "USE_PSI"}, []string{"USE_PSI"})
	c.only(p+".ProgramNumber", in.ProgramNumber, "the first program is used", 1)
}

func (c *checker) audioSelector(p string, a AudioSelector) {
	c.enum(p+".DefaultSelection", a.DefaultSelection, audioDefaultSelections, nil)
	c.enum(p+".SelectorType", a.SelectorType, audioSelectorTypes, []string{"TRACK", "LANGUAGE_CODE"})
	for i, t := range a.Tracks {
		if t < 1 {
			c.add(fmt.Sprintf("%s.Tracks[%d]", p, i), "%d: tracks are numbered from 1", t)
		}
	}
	switch a.SelectorType {
	case "LANGUAGE_CODE":
		if a.LanguageCode == "" && a.CustomLanguageCode == "" {
			c.add(p+".LanguageCode", "required with SelectorType LANGUAGE_CODE")
		}
	case "TRACK":
		if len(a.Tracks) == 0 {
			c.add(p+".Tracks", "required with SelectorType TRACK")
		}
	}
	if a.SelectorType == "" && len(a.Tracks) > 0 && (a.LanguageCode != "" || a.CustomLanguageCode != "") {
		c.add(p+".LanguageCode", "give Tracks or a LanguageCode (with SelectorType), not both")
	}
	c.intRange(p+".Offset", a.Offset, -2147483648, 2147483647)
	c.only(p+".ProgramSelection", a.ProgramSelection, "the first program is used", 0, 1)
	c.unsupported(p+".Pids", len(a.Pids) > 0, "select audio by Tracks or LanguageCode")
	c.enum(p+".AudioDurationCorrection", a.AudioDurationCorrection, audioDurationCorrect, []string{"DISABLED"})
	c.unsupported(p+".ExternalAudioFileInput", a.ExternalAudioFileInput != "", "audio comes from the input file")
}

// validTimecode reports whether s is HH:MM:SS:FF (or HH:MM:SS;FF).
func validTimecode(s string) bool {
	_, err := parseTimecode(s, 0)
	return err == nil
}
