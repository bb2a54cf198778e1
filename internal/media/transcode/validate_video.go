package transcode

var (
	videoCodecs = []string{"AV1", "AVC_INTRA", "FRAME_CAPTURE", "GIF", "H_264", "H_265", "MPEG2",
		"PASSTHROUGH", "PRORES", "UNCOMPRESSED", "VC3", "VP8", "VP9", "XAVC"}
	scalingBehaviors  = []string{"DEFAULT", "STRETCH_TO_OUTPUT", "FIT", "FIT_NO_UPSCALE", "FILL", "SMART_CROP"}
	rateControlModes  = []string{"VBR", "CBR", "QVBR"}
	gopSizeUnits      = []string{"FRAMES", "SECONDS", "AUTO"}
	qualityTuning     = []string{"SINGLE_PASS", "SINGLE_PASS_HQ", "MULTI_PASS_HQ"}
	sceneChange       = []string{"DISABLED", "ENABLED", "TRANSITION_DETECTION"}
	interlaceModes    = []string{"PROGRESSIVE", "TOP_FIELD", "BOTTOM_FIELD", "FOLLOW_TOP_FIELD", "FOLLOW_BOTTOM_FIELD"}
	framerateControls = []string{"INITIALIZE_FROM_SOURCE", "SPECIFIED"}
	framerateConvert  = []string{"DUPLICATE_DROP", "INTERPOLATE", "FRAMEFORMER", "MAINTAIN_FRAME_COUNT"}
	adaptiveQuant     = []string{"OFF", "AUTO", "LOW", "MEDIUM", "HIGH", "HIGHER", "MAX"}
	enabledDisabled   = []string{"DISABLED", "ENABLED"}
	h264Profiles      = []string{"BASELINE", "HIGH", "HIGH_10BIT", "HIGH_422", "HIGH_422_10BIT", "MAIN"}
	h264Levels        = []string{"AUTO", "LEVEL_1", "LEVEL_1_1", "LEVEL_1_2", "LEVEL_1_3", "LEVEL_2", "LEVEL_2_1",
		"LEVEL_2_2", "LEVEL_3", "LEVEL_3_1", "LEVEL_3_2", "LEVEL_4", "LEVEL_4_1", "LEVEL_4_2", "LEVEL_5",
		"LEVEL_5_1", "LEVEL_5_2"}
	h265Profiles = []string{"MAIN_MAIN", "MAIN_HIGH", "MAIN10_MAIN", "MAIN10_HIGH", "MAIN_422_8BIT_MAIN",
		"MAIN_422_8BIT_HIGH", "MAIN_422_10BIT_MAIN", "MAIN_422_10BIT_HIGH"}
	h265Levels = []string{"AUTO", "LEVEL_1", "LEVEL_2", "LEVEL_2_1", "LEVEL_3", "LEVEL_3_1", "LEVEL_4",
		"LEVEL_4_1", "LEVEL_5", "LEVEL_5_1", "LEVEL_5_2", "LEVEL_6", "LEVEL_6_1", "LEVEL_6_2"}
)

func (c *checker) videoDescription(p string, v *VideoDescription) {
	capture := v.CodecSettings != nil && v.CodecSettings.Codec == "FRAME_CAPTURE"
	for _, d := range []struct {
		name string
		v    int
	}{{"Width", v.Width}, {"Height", v.Height}} {
		switch {
		case d.v == 0:
		case d.v < 32 || d.v > 8192:
			c.add(p+"."+d.name, "%d is out of range [32, 8192]", d.v)
		case d.v%2 != 0 && !capture:
			c.add(p+"."+d.name, "%d: must be even (4:2:0 video)", d.v)
		}
	}
	c.enum(p+".ScalingBehavior", v.ScalingBehavior, scalingBehaviors,
		[]string{"DEFAULT", "STRETCH_TO_OUTPUT", "FIT", "FIT_NO_UPSCALE", "FILL"})
	c.enum(p+".AntiAlias", v.AntiAlias, enabledDisabled, nil)
	c.intRange(p+".Sharpness", v.Sharpness, 0, 100)
	if r := v.Crop; r != nil {
		if r.Width <= 0 || r.Height <= 0 || r.X < 0 || r.Y < 0 {
			c.add(p+".Crop", "needs a positive Width and Height and non-negative X and Y")
		}
		if r.Width%2 != 0 || r.Height%2 != 0 || r.X%2 != 0 || r.Y%2 != 0 {
			c.add(p+".Crop", "X, Y, Width and Height must be even")
		}
	}
	c.enum(p+".AfdSignaling", v.AfdSignaling, []string{"NONE", "AUTO", "FIXED"}, []string{"NONE"})
	c.unsupported(p+".FixedAfd", v.FixedAfd != nil, "AFD is not written")
	c.enum(p+".RespondToAfd", v.RespondToAfd, []string{"NONE", "RESPOND", "PASSTHROUGH"}, []string{"NONE"})
	c.enum(p+".ColorMetadata", v.ColorMetadata, []string{"IGNORE", "INSERT"}, nil)
	c.enum(p+".DropFrameTimecode", v.DropFrameTimecode, enabledDisabled, nil)
	c.enum(p+".TimecodeInsertion", v.TimecodeInsertion, []string{"DISABLED", "PIC_TIMING_SEI"}, []string{"DISABLED"})
	c.enum(p+".TimecodeTrack", v.TimecodeTrack, enabledDisabled, []string{"DISABLED"})
	if v.CodecSettings == nil {
		c.add(p+".CodecSettings", "required")
		return
	}
	c.videoCodec(p+".CodecSettings", v.CodecSettings)
}

func (c *checker) videoCodec(p string, cs *VideoCodecSettings) {
	if cs.Codec == "" {
		c.add(p+".Codec", "required")
	}
	c.enum(p+".Codec", cs.Codec, videoCodecs, []string{"H_264", "H_265", "FRAME_CAPTURE"})
	want := map[string]bool{"H_264": cs.H264Settings != nil, "H_265": cs.H265Settings != nil, "FRAME_CAPTURE": cs.FrameCaptureSettings != nil}
	names := map[string]string{"H_264": "H264Settings", "H_265": "H265Settings", "FRAME_CAPTURE": "FrameCaptureSettings"}
	for _, codec := range []string{"H_264", "H_265", "FRAME_CAPTURE"} {
		switch {
		case codec == cs.Codec && !want[codec]:
			c.add(p+"."+names[codec], "required with Codec %s", codec)
		case codec != cs.Codec && want[codec] && names[cs.Codec] != "":
			// (for a codec that is itself refused, that one problem says enough)
			c.add(p+"."+names[codec], "given, but Codec is %s", cs.Codec)
		}
	}
	switch {
	case cs.Codec == "H_264" && cs.H264Settings != nil:
		c.h264(p+".H264Settings", cs.H264Settings)
	case cs.Codec == "H_265" && cs.H265Settings != nil:
		c.h265(p+".H265Settings", cs.H265Settings)
	case cs.Codec == "FRAME_CAPTURE" && cs.FrameCaptureSettings != nil:
		c.frameCapture(p+".FrameCaptureSettings", cs.FrameCaptureSettings)
	}
}

func (c *checker) frameCapture(p string, f *FrameCaptureSettings) {
	if f.FramerateNumerator == 0 {
		c.add(p+".FramerateNumerator", "required")
	}
	if f.FramerateDenominator == 0 {
		c.add(p+".FramerateDenominator", "required")
	}
	for _, d := range []struct {
		name   string
		v, max int
	}{{"FramerateNumerator", f.FramerateNumerator, 2147483647}, {"FramerateDenominator", f.FramerateDenominator, 2147483647},
		{"MaxCaptures", f.MaxCaptures, 1000000}, {"Quality", f.Quality, 100}} {
		if d.v < 0 || d.v > d.max {
			c.add(p+"."+d.name, "%d is out of range [1, %d]", d.v, d.max)
		}
	}
}

func (c *checker) h264(p string, s *H264Settings) {
	c.encoder(p, s.shared())
	c.enum(p+".CodecProfile", s.CodecProfile, h264Profiles, []string{"BASELINE", "MAIN", "HIGH"})
	c.enum(p+".CodecLevel", s.CodecLevel, h264Levels, nil)
	c.enum(p+".EntropyEncoding", s.EntropyEncoding, []string{"CABAC", "CAVLC"}, nil)
	if s.EntropyEncoding == "CABAC" && s.CodecProfile == "BASELINE" {
		c.add(p+".EntropyEncoding", "CABAC is not allowed with the BASELINE profile")
	}
	c.enum(p+".FieldEncoding", s.FieldEncoding, []string{"PAFF", "FORCE_FIELD", "MBAFF"}, nil)
	c.enum(p+".RepeatPps", s.RepeatPps, enabledDisabled, []string{"DISABLED"})
	c.enum(p+".Syntax", s.Syntax, []string{"DEFAULT", "RP2027"}, []string{"DEFAULT"})
	c.only(p+".Softness", s.Softness, "no extra softening filter", 0)
	c.enum(p+".WriteMp4PackagingType", s.WriteMp4PackagingType, []string{"AVC1", "AVC3"}, []string{"AVC1"})
}

func (c *checker) h265(p string, s *H265Settings) {
	c.encoder(p, s.shared())
	c.enum(p+".CodecProfile", s.CodecProfile, h265Profiles, []string{"MAIN_MAIN", "MAIN_HIGH"})
	c.enum(p+".CodecLevel", s.CodecLevel, h265Levels, nil)
	c.enum(p+".WriteMp4PackagingType", s.WriteMp4PackagingType, []string{"HVC1", "HEV1"}, nil)
	c.enum(p+".AlternateTransferFunctionSei", s.AlternateTransferFunctionSei, enabledDisabled, []string{"DISABLED"})
	c.enum(p+".SampleAdaptiveOffsetFilterMode", s.SampleAdaptiveOffsetFilterMode, []string{"DEFAULT", "ADAPTIVE", "OFF"}, nil)
	c.enum(p+".TemporalIds", s.TemporalIds, enabledDisabled, []string{"DISABLED"})
	c.enum(p+".Tiles", s.Tiles, enabledDisabled, []string{"DISABLED"})
}

// encoderSettings are the settings H264Settings and H265Settings share;
// one validation and one translation to encoder options serve both.
type encoderSettings struct {
	RateControlMode         string
	Bitrate, MaxBitrate     int
	Qvbr                    *QvbrSettings
	HrdBufferSize           int
	HrdInitial, HrdFinal    *int
	GopSize                 float64
	GopSizeUnits            string
	GopClosedCadence        *int
	GopBReference           string
	MinIInterval            *int
	BFrames, Refs, Slices   *int
	QualityTuningLevel      string
	SceneChangeDetect       string
	InterlaceMode           string
	FramerateControl        string
	FramerateConversion     string
	FramerateNum, FrameDen  int
	ParControl              string
	ParNum, ParDen          int
	AQ, SpatialAQ           string
	TemporalAQ, FlickerAQ   string
	DynamicSubGop           string
	Telecine, SlowPal       string
	UnregisteredSeiTimecode string
	ScanTypeConversionMode  string
	EndOfStreamMarkers      string
}

func (s *H264Settings) shared() encoderSettings {
	return encoderSettings{s.RateControlMode, s.Bitrate, s.MaxBitrate, s.QvbrSettings, s.HrdBufferSize,
		s.HrdBufferInitialFillPercentage, s.HrdBufferFinalFillPercentage, s.GopSize, s.GopSizeUnits,
		s.GopClosedCadence, s.GopBReference, s.MinIInterval, s.NumberBFramesBetweenReferenceFrames,
		s.NumberReferenceFrames, s.Slices, s.QualityTuningLevel, s.SceneChangeDetect, s.InterlaceMode,
		s.FramerateControl, s.FramerateConversionAlgorithm, s.FramerateNumerator, s.FramerateDenominator,
		s.ParControl, s.ParNumerator, s.ParDenominator, s.AdaptiveQuantization, s.SpatialAdaptiveQuantization,
		s.TemporalAdaptiveQuantization, s.FlickerAdaptiveQuantization, s.DynamicSubGop, s.Telecine, s.SlowPal,
		s.UnregisteredSeiTimecode, s.ScanTypeConversionMode, s.EndOfStreamMarkers}
}

func (s *H265Settings) shared() encoderSettings {
	return encoderSettings{s.RateControlMode, s.Bitrate, s.MaxBitrate, s.QvbrSettings, s.HrdBufferSize,
		s.HrdBufferInitialFillPercentage, s.HrdBufferFinalFillPercentage, s.GopSize, s.GopSizeUnits,
		s.GopClosedCadence, s.GopBReference, s.MinIInterval, s.NumberBFramesBetweenReferenceFrames,
		s.NumberReferenceFrames, s.Slices, s.QualityTuningLevel, s.SceneChangeDetect, s.InterlaceMode,
		s.FramerateControl, s.FramerateConversionAlgorithm, s.FramerateNumerator, s.FramerateDenominator,
		s.ParControl, s.ParNumerator, s.ParDenominator, s.AdaptiveQuantization, s.SpatialAdaptiveQuantization,
		s.TemporalAdaptiveQuantization, s.FlickerAdaptiveQuantization, s.DynamicSubGop, s.Telecine, s.SlowPal,
		s.UnregisteredSeiTimecode, s.ScanTypeConversionMode, s.EndOfStreamMarkers}
}

func (c *checker) encoder(p string, s encoderSettings) {
	c.rateControl(p, s)
	c.enum(p+".GopSizeUnits", s.GopSizeUnits, gopSizeUnits, nil)
	switch {
	case (s.GopSizeUnits == "FRAMES" || s.GopSizeUnits == "SECONDS") && s.GopSize <= 0:
		c.add(p+".GopSize", "required and positive with GopSizeUnits %s", s.GopSizeUnits)
	case (s.GopSizeUnits == "" || s.GopSizeUnits == "AUTO") && s.GopSize != 0:
		c.add(p+".GopSize", "set GopSizeUnits to FRAMES or SECONDS to give a GOP size")
	case s.GopSize < 0:
		c.add(p+".GopSize", "%v: must be positive", s.GopSize)
	}
	c.intRange(p+".GopClosedCadence", s.GopClosedCadence, 0, 2147483647)
	c.enum(p+".GopBReference", s.GopBReference, enabledDisabled, nil)
	c.intRange(p+".MinIInterval", s.MinIInterval, 0, 30)
	c.intRange(p+".NumberBFramesBetweenReferenceFrames", s.BFrames, 0, 7)
	c.intRange(p+".NumberReferenceFrames", s.Refs, 1, 6)
	c.intRange(p+".Slices", s.Slices, 1, 32)
	c.enum(p+".QualityTuningLevel", s.QualityTuningLevel, qualityTuning, nil)
	c.enum(p+".SceneChangeDetect", s.SceneChangeDetect, sceneChange, nil)
	c.enum(p+".InterlaceMode", s.InterlaceMode, interlaceModes, []string{"PROGRESSIVE"})
	c.enum(p+".ScanTypeConversionMode", s.ScanTypeConversionMode, []string{"INTERLACED", "INTERLACED_OPTIMIZE"}, nil)
	c.enum(p+".FramerateControl", s.FramerateControl, framerateControls, nil)
	c.enum(p+".FramerateConversionAlgorithm", s.FramerateConversion, framerateConvert, []string{"DUPLICATE_DROP"})
	if s.FramerateControl == "SPECIFIED" {
		if s.FramerateNum <= 0 || s.FrameDen <= 0 {
			c.add(p+".FramerateNumerator", "FramerateNumerator and FramerateDenominator are required (positive) with FramerateControl SPECIFIED")
		}
	} else if s.FramerateNum != 0 || s.FrameDen != 0 {
		c.add(p+".FramerateControl", "set it to SPECIFIED to use FramerateNumerator/FramerateDenominator")
	}
	c.enum(p+".ParControl", s.ParControl, framerateControls, nil)
	if s.ParControl == "SPECIFIED" {
		if s.ParNum <= 0 || s.ParDen <= 0 {
			c.add(p+".ParNumerator", "ParNumerator and ParDenominator are required (positive) with ParControl SPECIFIED")
		}
	} else if s.ParNum != 0 || s.ParDen != 0 {
		c.add(p+".ParControl", "set it to SPECIFIED to use ParNumerator/ParDenominator")
	}
	c.enum(p+".AdaptiveQuantization", s.AQ, adaptiveQuant, nil)
	c.enum(p+".SpatialAdaptiveQuantization", s.SpatialAQ, enabledDisabled, nil)
	c.enum(p+".TemporalAdaptiveQuantization", s.TemporalAQ, enabledDisabled, nil)
	c.enum(p+".FlickerAdaptiveQuantization", s.FlickerAQ, enabledDisabled, nil)
	if s.FlickerAQ == "ENABLED" && s.AQ != "" && s.AQ != "AUTO" && s.AQ != "OFF" {
		c.add(p+".FlickerAdaptiveQuantization", "ENABLED is not supported (no flicker AQ in libx264/libx265)")
	}
	c.enum(p+".DynamicSubGop", s.DynamicSubGop, []string{"ADAPTIVE", "STATIC"}, nil)
	c.enum(p+".Telecine", s.Telecine, []string{"NONE", "SOFT", "HARD"}, []string{"NONE"})
	c.enum(p+".SlowPal", s.SlowPal, enabledDisabled, []string{"DISABLED"})
	c.enum(p+".UnregisteredSeiTimecode", s.UnregisteredSeiTimecode, enabledDisabled, []string{"DISABLED"})
	c.enum(p+".EndOfStreamMarkers", s.EndOfStreamMarkers, []string{"INCLUDE", "SUPPRESS"}, []string{"SUPPRESS"})
}

func (c *checker) rateControl(p string, s encoderSettings) {
	c.enum(p+".RateControlMode", s.RateControlMode, rateControlModes, nil)
	bitrate := func(name string, v int) {
		if v != 0 && (v < 1000 || v > 1152000000) {
			c.add(p+"."+name, "%d is out of range [1000, 1152000000]", v)
		}
	}
	bitrate("Bitrate", s.Bitrate)
	bitrate("MaxBitrate", s.MaxBitrate)
	if s.HrdBufferSize < 0 || s.HrdBufferSize > 1152000000 {
		c.add(p+".HrdBufferSize", "%d is out of range [0, 1152000000]", s.HrdBufferSize)
	}
	c.intRange(p+".HrdBufferInitialFillPercentage", s.HrdInitial, 0, 100)
	c.only(p+".HrdBufferFinalFillPercentage", s.HrdFinal, "the encoder decides the final buffer fill", 0)
	switch mode := rateControlMode(s.RateControlMode); mode {
	case "CBR", "VBR":
		if s.Bitrate == 0 {
			c.add(p+".Bitrate", "required with RateControlMode %s", mode)
		}
		if mode == "CBR" && s.MaxBitrate != 0 {
			c.add(p+".MaxBitrate", "does not apply to CBR (the bitrate is Bitrate)")
		}
		if mode == "VBR" && s.MaxBitrate != 0 && s.MaxBitrate < s.Bitrate {
			c.add(p+".MaxBitrate", "%d is below Bitrate %d", s.MaxBitrate, s.Bitrate)
		}
		if s.Qvbr != nil {
			c.add(p+".QvbrSettings", "applies only to RateControlMode QVBR")
		}
	case "QVBR":
		if s.MaxBitrate == 0 {
			c.add(p+".MaxBitrate", "required with RateControlMode QVBR")
		}
		if s.Bitrate != 0 {
			c.add(p+".Bitrate", "does not apply to QVBR (give MaxBitrate and QvbrSettings)")
		}
		if q := s.Qvbr; q != nil {
			if q.QvbrQualityLevel != 0 && (q.QvbrQualityLevel < 1 || q.QvbrQualityLevel > 10) {
				c.add(p+".QvbrSettings.QvbrQualityLevel", "%d is out of range [1, 10]", q.QvbrQualityLevel)
			}
			if f := q.QvbrQualityLevelFineTune; f != nil && (*f < 0 || *f >= 1) {
				c.add(p+".QvbrSettings.QvbrQualityLevelFineTune", "%v is out of range [0, 1)", *f)
			}
			c.unsupported(p+".QvbrSettings.MaxAverageBitrate", q.MaxAverageBitrate != 0, "no average-bitrate cap with constant-quality encoding")
		}
	}
}

// rateControlMode is the mode with MediaConvert's default (CBR).
func rateControlMode(m string) string {
	if m == "" {
		return "CBR"
	}
	return m
}
