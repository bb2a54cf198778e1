package transcode

import (
	"fmt"
	"regexp"
	"slices"
)

// Group types.
const (
	FileGroup = "FILE_GROUP_SETTINGS"
	HLSGroup  = "HLS_GROUP_SETTINGS"
)

var (
	outputGroupTypes = []string{"HLS_GROUP_SETTINGS", "DASH_ISO_GROUP_SETTINGS", "FILE_GROUP_SETTINGS",
		"MS_SMOOTH_GROUP_SETTINGS", "CMAF_GROUP_SETTINGS"}
	containerTypes = []string{"F4V", "GIF", "ISMV", "M2TS", "M3U8", "CMFC", "MOV", "MP4", "MPD", "MXF",
		"OGG", "WEBM", "RAW", "Y4M"}
	fileContainers = []string{"MP4", "MOV", "M2TS", "RAW"}
	extensionRE    = regexp.MustCompile(`^[A-Za-z0-9]{1,16}$`)
)

// outputGroup checks a group; it reports whether the group has an output
// other than a frame capture.
func (c *checker) outputGroup(p string, g *OutputGroup) (regular bool) {
	gs := g.OutputGroupSettings
	sp := p + ".OutputGroupSettings"
	if gs.Type == "" {
		c.add(sp+".Type", "required")
	}
	c.enum(sp+".Type", gs.Type, outputGroupTypes, []string{FileGroup, HLSGroup})
	switch gs.Type {
	case FileGroup:
		c.unsupported(sp+".HlsGroupSettings", gs.HlsGroupSettings != nil, "the group's Type is FILE_GROUP_SETTINGS")
		if gs.FileGroupSettings == nil {
			c.add(sp+".FileGroupSettings", "required with Type FILE_GROUP_SETTINGS (it holds the Destination)")
		} else {
			c.destination(sp+".FileGroupSettings.Destination", gs.FileGroupSettings.Destination)
		}
	case HLSGroup:
		c.unsupported(sp+".FileGroupSettings", gs.FileGroupSettings != nil, "the group's Type is HLS_GROUP_SETTINGS")
		if gs.HlsGroupSettings == nil {
			c.add(sp+".HlsGroupSettings", "required with Type HLS_GROUP_SETTINGS (it holds the Destination)")
		} else {
			c.hlsGroup(sp+".HlsGroupSettings", gs.HlsGroupSettings)
		}
	}
	if len(g.Outputs) == 0 {
		c.add(p+".Outputs", "at least one output is required")
	}
	modifiers := map[string]int{}
	for i := range g.Outputs {
		op := fmt.Sprintf("%s.Outputs[%d]", p, i)
		o := &g.Outputs[i]
		if gs.Type == HLSGroup && o.NameModifier == "" {
			c.add(op+".NameModifier", "required in an HLS group (without it the variant playlist is named like the master playlist)")
		} else if len(g.Outputs) > 1 && o.NameModifier == "" {
			c.add(op+".NameModifier", "required when the group has more than one output")
		} else if j, dup := modifiers[o.NameModifier]; dup && o.NameModifier != "" {
			c.add(op+".NameModifier", "%q is also Outputs[%d]'s: outputs would overwrite each other", o.NameModifier, j)
		}
		modifiers[o.NameModifier] = i
		if c.output(op, gs.Type, o) {
			regular = true
		}
	}
	return regular
}

// destination checks an s3:// destination (format identifiers allowed).
func (c *checker) destination(p, dest string) {
	if dest == "" {
		c.add(p, "required")
		return
	}
	if _, err := parseS3URI(dest); err != nil {
		c.add(p, "%v", err)
	}
	if err := checkIdentifiers(dest, destinationIdentifiers); err != nil {
		c.add(p, "%v", err)
	}
}

// output checks one output; it reports whether it is a regular output.
func (c *checker) output(p, groupType string, o *Output) (regular bool) {
	if err := checkIdentifiers(o.NameModifier, modifierIdentifiers); err != nil {
		c.add(p+".NameModifier", "%v", err)
	}
	container := ""
	if cs := o.ContainerSettings; cs != nil {
		container = cs.Container
		if container == "" {
			c.add(p+".ContainerSettings.Container", "required")
		}
		c.enum(p+".ContainerSettings.Container", container, containerTypes, nil)
	}
	capture := o.VideoDescription != nil && o.VideoDescription.CodecSettings != nil &&
		o.VideoDescription.CodecSettings.Codec == "FRAME_CAPTURE"
	switch groupType {
	case FileGroup:
		switch {
		case o.ContainerSettings == nil:
			c.add(p+".ContainerSettings", "required in a file group (it names the container)")
		case container == "M3U8":
			c.add(p+".ContainerSettings.Container", "M3U8 belongs in an HLS_GROUP_SETTINGS group")
		case container != "" && slices.Contains(containerTypes, container) && !slices.Contains(fileContainers, container):
			c.add(p+".ContainerSettings.Container", "%s is not supported (supported in a file group: MP4, MOV, M2TS, RAW)", container)
		case capture && container != "RAW":
			c.add(p+".ContainerSettings.Container", "a FRAME_CAPTURE output needs Container RAW")
		}
		if o.Extension != "" && !extensionRE.MatchString(o.Extension) {
			c.add(p+".Extension", "%q: letters and digits only", o.Extension)
		}
	case HLSGroup:
		if container != "" && container != "M3U8" && slices.Contains(containerTypes, container) {
			c.add(p+".ContainerSettings.Container", "%s is not supported in an HLS group (use M3U8)", container)
		}
		c.unsupported(p+".Extension", o.Extension != "", "HLS outputs are named .m3u8 and .ts")
		c.hlsOutput(p, o)
		if capture {
			c.add(p+".VideoDescription.CodecSettings.Codec", "FRAME_CAPTURE is not supported in an HLS group (I-frame trick play images)")
		}
	}
	c.containerSettings(p+".ContainerSettings", o.ContainerSettings)
	if o.VideoDescription == nil && len(o.AudioDescriptions) == 0 {
		c.add(p, "needs a VideoDescription or AudioDescriptions")
	}
	if o.VideoDescription != nil {
		c.videoDescription(p+".VideoDescription", o.VideoDescription)
	}
	if capture && len(o.AudioDescriptions) > 0 {
		c.add(p+".AudioDescriptions", "a FRAME_CAPTURE output has no audio")
	}
	if container == "RAW" && !capture && o.VideoDescription != nil && len(o.AudioDescriptions) > 0 {
		c.add(p+".AudioDescriptions", "a RAW output carries one elementary stream: video or audio, not both")
	}
	if len(o.AudioDescriptions) > 1 && (container == "RAW" || groupType == HLSGroup) {
		c.add(p+".AudioDescriptions[1]", "not supported (one audio track in this container)")
	}
	if groupType == HLSGroup && o.VideoDescription == nil {
		c.add(p+".VideoDescription", "required: audio-only HLS renditions are not supported")
	}
	for i := range o.AudioDescriptions {
		c.audioDescription(fmt.Sprintf("%s.AudioDescriptions[%d]", p, i), &o.AudioDescriptions[i])
	}
	return !capture
}

var (
	hlsSegmentControls = []string{"SINGLE_FILE", "SEGMENTED_FILES"}
	hlsLengthControls  = []string{"EXACT", "GOP_MULTIPLE", "MATCH"}
	hlsDurationFormats = []string{"FLOATING_POINT", "INTEGER"}
	hlsOutputSelection = []string{"MANIFESTS_AND_SEGMENTS", "SEGMENTS_ONLY"}
	hlsCaptionLanguage = []string{"INSERT", "OMIT", "NONE"}
	hlsAudioTrackTypes = []string{"ALTERNATE_AUDIO_AUTO_SELECT_DEFAULT", "ALTERNATE_AUDIO_AUTO_SELECT",
		"ALTERNATE_AUDIO_NOT_AUTO_SELECT", "AUDIO_ONLY_VARIANT_STREAM"}
)

func (c *checker) hlsGroup(p string, h *HlsGroupSettings) {
	c.destination(p+".Destination", h.Destination)
	if h.SegmentLength < 0 {
		c.add(p+".SegmentLength", "%d: must be positive", h.SegmentLength)
	}
	c.enum(p+".SegmentLengthControl", h.SegmentLengthControl, hlsLengthControls, []string{"EXACT", "GOP_MULTIPLE"})
	c.intRange(p+".MinSegmentLength", h.MinSegmentLength, 0, 2147483647)
	if f := h.MinFinalSegmentLength; f != nil && *f != 0 {
		c.add(p+".MinFinalSegmentLength", "%v is not supported (a short last segment is not merged into the one before)", *f)
	}
	c.enum(p+".ManifestDurationFormat", h.ManifestDurationFormat, hlsDurationFormats, nil)
	c.enum(p+".OutputSelection", h.OutputSelection, hlsOutputSelection, nil)
	c.enum(p+".SegmentControl", h.SegmentControl, hlsSegmentControls, nil)
	c.enum(p+".DirectoryStructure", h.DirectoryStructure, []string{"SINGLE_DIRECTORY", "SUBDIRECTORY_PER_STREAM"}, []string{"SINGLE_DIRECTORY"})
	c.intRange(p+".SegmentsPerSubdirectory", h.SegmentsPerSubdirectory, 1, 2147483647)
	c.enum(p+".StreamInfResolution", h.StreamInfResolution, []string{"INCLUDE", "EXCLUDE"}, nil)
	c.enum(p+".CodecSpecification", h.CodecSpecification, []string{"RFC_6381", "RFC_4281"}, nil)
	c.enum(p+".ClientCache", h.ClientCache, []string{"DISABLED", "ENABLED"}, nil)
	c.enum(p+".ManifestCompression", h.ManifestCompression, []string{"GZIP", "NONE"}, []string{"NONE"})
	c.enum(p+".ProgramDateTime", h.ProgramDateTime, []string{"INCLUDE", "EXCLUDE"}, []string{"EXCLUDE"})
	c.intRange(p+".ProgramDateTimePeriod", h.ProgramDateTimePeriod, 0, 3600)
	c.enum(p+".CaptionLanguageSetting", h.CaptionLanguageSetting, hlsCaptionLanguage, []string{"OMIT", "NONE"})
	c.enum(p+".CaptionSegmentLengthControl", h.CaptionSegmentLengthControl, []string{"LARGE_SEGMENTS", "MATCH_VIDEO"}, nil)
	c.enum(p+".TimedMetadataId3Frame", h.TimedMetadataId3Frame, []string{"NONE", "PRIV", "TDRL"}, nil)
	c.intRange(p+".TimedMetadataId3Period", h.TimedMetadataId3Period, -2147483648, 2147483647)
	c.only(p+".TimestampDeltaMilliseconds", h.TimestampDeltaMilliseconds, "segment timestamps start at the input's", 0)
	c.enum(p+".TargetDurationCompatibilityMode", h.TargetDurationCompatibilityMode, []string{"LEGACY", "SPEC_COMPLIANT"}, nil)
	c.enum(p+".ProgressiveWriteHlsManifest", h.ProgressiveWriteHlsManifest, []string{"ENABLED", "DISABLED"}, nil)
	c.enum(p+".AudioOnlyHeader", h.AudioOnlyHeader, []string{"INCLUDE", "EXCLUDE"}, nil)
	c.enum(p+".ImageBasedTrickPlay", h.ImageBasedTrickPlay, []string{"NONE", "THUMBNAIL", "THUMBNAIL_AND_FULLFRAME", "ADVANCED"}, []string{"NONE"})
	c.unsupported(p+".BaseUrl", h.BaseUrl != "", "playlists use relative URIs")
	for i, m := range h.AdMarkers {
		c.enum(fmt.Sprintf("%s.AdMarkers[%d]", p, i), m, []string{"ELEMENTAL", "ELEMENTAL_SCTE35"}, nil)
	}
}

func (c *checker) hlsOutput(p string, o *Output) {
	if o.OutputSettings == nil || o.OutputSettings.HlsSettings == nil {
		return
	}
	h := o.OutputSettings.HlsSettings
	hp := p + ".OutputSettings.HlsSettings"
	if err := checkIdentifiers(h.SegmentModifier, modifierIdentifiers); err != nil {
		c.add(hp+".SegmentModifier", "%v", err)
	}
	c.enum(hp+".AudioOnlyContainer", h.AudioOnlyContainer, []string{"AUTOMATIC", "M2TS"}, nil)
	c.enum(hp+".AudioTrackType", h.AudioTrackType, hlsAudioTrackTypes, nil)
	c.enum(hp+".IFrameOnlyManifest", h.IFrameOnlyManifest, []string{"INCLUDE", "INCLUDE_AS_TS", "EXCLUDE"}, []string{"EXCLUDE"})
	c.enum(hp+".DescriptiveVideoServiceFlag", h.DescriptiveVideoServiceFlag, []string{"DONT_FLAG", "FLAG"}, nil)
}

func (c *checker) containerSettings(p string, cs *ContainerSettings) {
	if cs == nil {
		return
	}
	present := map[string]bool{"MP4": cs.Mp4Settings != nil, "MOV": cs.MovSettings != nil,
		"M3U8": cs.M3u8Settings != nil, "M2TS": cs.M2tsSettings != nil}
	for _, k := range []string{"MP4", "MOV", "M3U8", "M2TS"} {
		if present[k] && cs.Container != k && cs.Container != "" {
			name := map[string]string{"MP4": "Mp4Settings", "MOV": "MovSettings", "M3U8": "M3u8Settings", "M2TS": "M2tsSettings"}[k]
			c.add(p+"."+name, "given, but Container is %s", cs.Container)
		}
	}
	if m := cs.Mp4Settings; m != nil {
		c.enum(p+".Mp4Settings.CslgAtom", m.CslgAtom, []string{"INCLUDE", "EXCLUDE"}, nil)
		c.only(p+".Mp4Settings.CttsVersion", m.CttsVersion, "ffmpeg writes version 0 ctts boxes", 0, 1)
		c.enum(p+".Mp4Settings.FreeSpaceBox", m.FreeSpaceBox, []string{"INCLUDE", "EXCLUDE"}, []string{"EXCLUDE"})
		c.enum(p+".Mp4Settings.MoovPlacement", m.MoovPlacement, []string{"PROGRESSIVE_DOWNLOAD", "NORMAL"}, nil)
		c.enum(p+".Mp4Settings.AudioDuration", m.AudioDuration, []string{"DEFAULT_CODEC_DURATION", "MATCH_VIDEO_DURATION"}, []string{"DEFAULT_CODEC_DURATION"})
		if m.Mp4MajorBrand != "" && len(m.Mp4MajorBrand) != 4 {
			c.add(p+".Mp4Settings.Mp4MajorBrand", "%q: a brand is four characters", m.Mp4MajorBrand)
		}
	}
	if m := cs.MovSettings; m != nil {
		c.enum(p+".MovSettings.ClapAtom", m.ClapAtom, []string{"INCLUDE", "EXCLUDE"}, []string{"EXCLUDE"})
		c.enum(p+".MovSettings.CslgAtom", m.CslgAtom, []string{"INCLUDE", "EXCLUDE"}, nil)
		c.enum(p+".MovSettings.Mpeg2FourCCControl", m.Mpeg2FourCCControl, []string{"XDCAM", "MPEG"}, nil)
		c.enum(p+".MovSettings.PaddingControl", m.PaddingControl, []string{"OMNEON", "NONE"}, nil)
		c.enum(p+".MovSettings.Reference", m.Reference, []string{"SELF_CONTAINED", "EXTERNAL"}, []string{"SELF_CONTAINED"})
	}
	if m := cs.M3u8Settings; m != nil {
		c.transportStream(p+".M3u8Settings", tsSettings{m.PmtPid, m.VideoPid, m.AudioPids, m.ProgramNumber, m.TransportStreamId})
		mp := p + ".M3u8Settings"
		c.intRange(mp+".AudioFramesPerPes", m.AudioFramesPerPes, 0, 2147483647)
		c.enum(mp+".PcrControl", m.PcrControl, []string{"PCR_EVERY_PES_PACKET", "CONFIGURED_PCR_PERIOD"}, nil)
		c.intRange(mp+".PmtInterval", m.PmtInterval, 0, 1000)
		c.intRange(mp+".PatInterval", m.PatInterval, 0, 1000)
		c.enum(mp+".Scte35Source", m.Scte35Source, []string{"PASSTHROUGH", "NONE"}, []string{"NONE"})
		c.enum(mp+".TimedMetadata", m.TimedMetadata, []string{"PASSTHROUGH", "NONE"}, []string{"NONE"})
		c.enum(mp+".NielsenId3", m.NielsenId3, []string{"INSERT", "NONE"}, []string{"NONE"})
		c.enum(mp+".AudioDuration", m.AudioDuration, []string{"DEFAULT_CODEC_DURATION", "MATCH_VIDEO_DURATION"}, []string{"DEFAULT_CODEC_DURATION"})
	}
	if m := cs.M2tsSettings; m != nil {
		c.transportStream(p+".M2tsSettings", tsSettings{m.PmtPid, m.VideoPid, m.AudioPids, m.ProgramNumber, m.TransportStreamId})
		mp := p + ".M2tsSettings"
		c.intRange(mp+".AudioFramesPerPes", m.AudioFramesPerPes, 0, 2147483647)
		c.enum(mp+".Scte35Source", m.Scte35Source, []string{"PASSTHROUGH", "NONE"}, []string{"NONE"})
		c.enum(mp+".NielsenId3", m.NielsenId3, []string{"INSERT", "NONE"}, []string{"NONE"})
		c.enum(mp+".RateMode", m.RateMode, []string{"VBR", "CBR"}, []string{"VBR"})
		c.enum(mp+".AudioDuration", m.AudioDuration, []string{"DEFAULT_CODEC_DURATION", "MATCH_VIDEO_DURATION"}, []string{"DEFAULT_CODEC_DURATION"})
	}
}

// tsSettings are the MPEG-TS identifiers HLS segments and M2TS files share.
type tsSettings struct {
	PmtPid, VideoPid  *int
	AudioPids         []int
	ProgramNumber     *int
	TransportStreamId *int
}

func (c *checker) transportStream(p string, ts tsSettings) {
	c.intRange(p+".PmtPid", ts.PmtPid, 32, 8182)
	c.intRange(p+".VideoPid", ts.VideoPid, 32, 8182)
	c.intRange(p+".ProgramNumber", ts.ProgramNumber, 0, 65535)
	c.intRange(p+".TransportStreamId", ts.TransportStreamId, 0, 65535)
	video := defaultVideoPid
	if ts.VideoPid != nil {
		video = *ts.VideoPid
	}
	// ffmpeg numbers elementary streams from the video PID up, one by one.
	for i, pid := range ts.AudioPids {
		if pid != video+1+i {
			c.add(fmt.Sprintf("%s.AudioPids[%d]", p, i), "%d is not supported: audio PIDs follow the video PID (%d) one by one", pid, video+1+i)
		}
	}
	if ts.PmtPid != nil && *ts.PmtPid >= video && *ts.PmtPid <= video+len(ts.AudioPids)+1 {
		c.add(p+".PmtPid", "%d collides with the elementary stream PIDs", *ts.PmtPid)
	}
}

// defaultVideoPid and defaultPmtPid are MediaConvert's MPEG-TS defaults.
const (
	defaultPmtPid   = 480
	defaultVideoPid = 481
)

// segmentLength is the group's segment length with MediaConvert's default.
func segmentLength(h *HlsGroupSettings) int {
	if h.SegmentLength > 0 {
		return h.SegmentLength
	}
	return 10
}
