package transcode

var (
	audioCodecs = []string{"AAC", "MP2", "MP3", "WAV", "AIFF", "AC3", "AC4", "EAC3", "EAC3_ATMOS", "VORBIS",
		"OPUS", "PASSTHROUGH", "FLAC"}
	aacCodingModes   = []string{"AD_RECEIVER_MIX", "CODING_MODE_1_0", "CODING_MODE_1_1", "CODING_MODE_2_0", "CODING_MODE_5_1", "CODING_MODE_AUTO"}
	aacSampleRates   = []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000}
	languageControls = []string{"FOLLOW_INPUT", "USE_CONFIGURED"}
)

func (c *checker) audioDescription(p string, a *AudioDescription) {
	c.enum(p+".AudioTypeControl", a.AudioTypeControl, languageControls, nil)
	c.intRange(p+".AudioType", a.AudioType, 0, 255)
	if a.AudioTypeControl == "USE_CONFIGURED" && a.AudioType != nil && *a.AudioType != 0 {
		c.add(p+".AudioType", "%d is not supported (no ISO 639 audio type is written)", *a.AudioType)
	}
	c.enum(p+".LanguageCodeControl", a.LanguageCodeControl, languageControls, nil)
	if a.LanguageCodeControl == "USE_CONFIGURED" && a.LanguageCode == "" && a.CustomLanguageCode == "" {
		c.add(p+".LanguageCode", "required with LanguageCodeControl USE_CONFIGURED (or CustomLanguageCode)")
	}
	for _, l := range []struct{ name, v string }{{"LanguageCode", a.LanguageCode}, {"CustomLanguageCode", a.CustomLanguageCode}} {
		if l.v != "" && (len(l.v) < 2 || len(l.v) > 3) {
			c.add(p+"."+l.name, "%q is not an ISO 639 language code", l.v)
		}
	}
	if a.CodecSettings == nil {
		c.add(p+".CodecSettings", "required")
		return
	}
	cs := a.CodecSettings
	cp := p + ".CodecSettings"
	if cs.Codec == "" {
		c.add(cp+".Codec", "required")
	}
	c.enum(cp+".Codec", cs.Codec, audioCodecs, []string{"AAC"})
	switch {
	case cs.Codec == "AAC" && cs.AacSettings == nil:
		c.add(cp+".AacSettings", "required with Codec AAC")
	case cs.Codec != "AAC" && cs.AacSettings != nil:
		c.add(cp+".AacSettings", "given, but Codec is %s", cs.Codec)
	case cs.AacSettings != nil:
		c.aac(cp+".AacSettings", cs.AacSettings)
	}
}

func (c *checker) aac(p string, s *AacSettings) {
	if s.Bitrate != 0 && (s.Bitrate < 6000 || s.Bitrate > 1024000) {
		c.add(p+".Bitrate", "%d is out of range [6000, 1024000]", s.Bitrate)
	}
	if s.SampleRate != 0 {
		ok := false
		for _, r := range aacSampleRates {
			ok = ok || r == s.SampleRate
		}
		if !ok {
			c.add(p+".SampleRate", "%d is not an AAC sample rate (8000 to 96000 Hz, e.g. 44100, 48000)", s.SampleRate)
		}
	}
	c.enum(p+".CodingMode", s.CodingMode, aacCodingModes, []string{"CODING_MODE_1_0", "CODING_MODE_2_0", "CODING_MODE_5_1", "CODING_MODE_AUTO"})
	c.enum(p+".CodecProfile", s.CodecProfile, []string{"LC", "HEV1", "HEV2", "XHE"}, []string{"LC"})
	c.enum(p+".RateControlMode", s.RateControlMode, []string{"CBR", "VBR"}, []string{"CBR"})
	c.enum(p+".RawFormat", s.RawFormat, []string{"LATM_LOAS", "NONE"}, []string{"NONE"})
	c.enum(p+".Specification", s.Specification, []string{"MPEG2", "MPEG4"}, []string{"MPEG4"})
	c.enum(p+".AudioDescriptionBroadcasterMix", s.AudioDescriptionBroadcasterMix, []string{"BROADCASTER_MIXED_AD", "NORMAL"}, []string{"NORMAL"})
	c.enum(p+".VbrQuality", s.VbrQuality, []string{"LOW", "MEDIUM_LOW", "MEDIUM_HIGH", "HIGH"}, nil)
	if s.VbrQuality != "" && s.RateControlMode != "VBR" {
		c.add(p+".VbrQuality", "applies only to RateControlMode VBR")
	}
}
