package transcode

import (
	"math"
	"strconv"
	"strings"
)

// encoderOptions translates H264Settings or H265Settings to libx264 or
// libx265 options. Stream specifiers are ":v" (one video stream per
// output).
func encoderOptions(cs *VideoCodecSettings, s encoderSettings, p *videoPlan, seg segmenting, cfg *Config) []string {
	x265 := cs.Codec == "H_265"
	var o []string
	var params []string // -x264-params / -x265-params
	if x265 {
		o = append(o, "-c:v", "libx265")
	} else {
		o = append(o, "-c:v", "libx264")
	}
	o = append(o, "-preset:v", cfg.preset(s.QualityTuningLevel))
	o = append(o, rateControlOptions(cs.Codec, s, &params)...)

	fps := p.FPS
	if fps <= 0 {
		fps = 30
	}
	o = append(o, "-g:v", strconv.Itoa(max(1, int(math.Round(p.Keyint*fps)))),
		"-force_key_frames:v", forcedKeyframes(p.Keyint, seg))
	switch {
	case s.SceneChangeDetect == "DISABLED" || (s.MinIInterval != nil && *s.MinIInterval == 0):
		if x265 {
			params = append(params, "scenecut=0")
		} else {
			o = append(o, "-sc_threshold:v", "0")
		}
	case s.MinIInterval != nil:
		o = append(o, "-keyint_min:v", strconv.Itoa(*s.MinIInterval))
	}
	if s.BFrames != nil {
		o = append(o, "-bf:v", strconv.Itoa(*s.BFrames))
	}
	if s.Refs != nil {
		if x265 {
			params = append(params, "ref="+strconv.Itoa(*s.Refs))
		} else {
			o = append(o, "-refs:v", strconv.Itoa(*s.Refs))
		}
	}
	if s.Slices != nil {
		if x265 {
			params = append(params, "slices="+strconv.Itoa(*s.Slices))
		} else {
			o = append(o, "-slices:v", strconv.Itoa(*s.Slices))
		}
	}
	if s.GopClosedCadence != nil && *s.GopClosedCadence > 1 {
		params = append(params, "open-gop=1")
	}
	if s.GopBReference == "DISABLED" {
		params = append(params, "b-pyramid="+map[bool]string{false: "none", true: "0"}[x265])
	}
	if s.DynamicSubGop == "STATIC" {
		params = append(params, "b-adapt=0")
	}
	params = append(params, adaptiveQuantization(s, x265)...)
	if x265 {
		o = append(o, h265Options(cs.H265Settings, &params)...)
	} else {
		o = append(o, h264Options(cs.H264Settings)...)
	}
	if len(params) > 0 {
		name := "-x264-params:v"
		if x265 {
			name = "-x265-params:v"
		}
		o = append(o, name, strings.Join(params, ":"))
	}
	return o
}

// rateControlOptions: CBR is bitrate = min = max; VBR is an average with
// an optional cap; QVBR is constant quality (crf, see qvbrCRF) under
// MaxBitrate. The HRD buffer defaults to twice the (maximum) bitrate.
func rateControlOptions(codec string, s encoderSettings, params *[]string) []string {
	buf := func(rate int) int {
		if s.HrdBufferSize > 0 {
			return s.HrdBufferSize
		}
		return 2 * rate
	}
	var o []string
	var bufsize int
	switch rateControlMode(s.RateControlMode) {
	case "CBR":
		b := strconv.Itoa(s.Bitrate)
		bufsize = buf(s.Bitrate)
		o = append(o, "-b:v", b, "-minrate:v", b, "-maxrate:v", b, "-bufsize:v", strconv.Itoa(bufsize))
		if codec == "H_265" {
			*params = append(*params, "strict-cbr=1")
		} else {
			*params = append(*params, "nal-hrd=cbr")
		}
	case "VBR":
		o = append(o, "-b:v", strconv.Itoa(s.Bitrate))
		if s.MaxBitrate > 0 {
			bufsize = buf(s.MaxBitrate)
			o = append(o, "-maxrate:v", strconv.Itoa(s.MaxBitrate), "-bufsize:v", strconv.Itoa(bufsize))
		}
	case "QVBR":
		bufsize = buf(s.MaxBitrate)
		o = append(o, "-crf:v", fmtFloat(qvbrCRF(codec, s.Qvbr)),
			"-maxrate:v", strconv.Itoa(s.MaxBitrate), "-bufsize:v", strconv.Itoa(bufsize))
	}
	if s.HrdInitial != nil && bufsize > 0 {
		if codec == "H_265" {
			*params = append(*params, "vbv-init="+fmtFloat(float64(*s.HrdInitial)/100))
		} else {
			o = append(o, "-rc_init_occupancy:v", strconv.Itoa(bufsize**s.HrdInitial/100))
		}
	}
	return o
}

// adaptiveQuantization: OFF disables AQ; LOW to MAX set its strength (0.6,
// 0.8, 1.0, 1.2, 1.5); AUTO (the default) leaves the encoder's own. With a
// manual level, SpatialAdaptiveQuantization DISABLED turns spatial AQ off
// and TemporalAdaptiveQuantization DISABLED turns off macroblock-tree
// (x264) or cutree (x265) rate control.
func adaptiveQuantization(s encoderSettings, x265 bool) []string {
	strength := map[string]string{"LOW": "0.6", "MEDIUM": "0.8", "HIGH": "1.0", "HIGHER": "1.2", "MAX": "1.5"}
	switch s.AQ {
	case "", "AUTO":
		return nil
	case "OFF":
		return []string{"aq-mode=0"}
	}
	out := []string{"aq-strength=" + strength[s.AQ]}
	if s.SpatialAQ == "DISABLED" {
		out = []string{"aq-mode=0"}
	}
	if s.TemporalAQ == "DISABLED" {
		if x265 {
			out = append(out, "cutree=0")
		} else {
			out = append(out, "mbtree=0")
		}
	}
	return out
}

func h264Options(s *H264Settings) []string {
	profile := map[string]string{"BASELINE": "baseline", "MAIN": "main", "HIGH": "high"}[s.CodecProfile]
	if profile == "" {
		profile = "main" // MediaConvert's default H.264 profile
	}
	o := []string{"-profile:v", profile}
	if l := codecLevel(s.CodecLevel); l != "" {
		o = append(o, "-level:v", l)
	}
	if s.EntropyEncoding == "CAVLC" {
		o = append(o, "-coder:v", "cavlc")
	}
	return o
}

func h265Options(s *H265Settings, params *[]string) []string {
	o := []string{"-profile:v", "main"}
	if l := codecLevel(s.CodecLevel); l != "" {
		*params = append(*params, "level-idc="+l)
	}
	if s.CodecProfile == "MAIN_HIGH" {
		*params = append(*params, "high-tier=1")
	}
	switch s.SampleAdaptiveOffsetFilterMode {
	case "OFF":
		*params = append(*params, "sao=0")
	case "ADAPTIVE":
		*params = append(*params, "limit-sao=1")
	}
	return o
}

// codecLevel turns LEVEL_4_1 into "4.1"; AUTO and "" into "".
func codecLevel(l string) string {
	rest, ok := strings.CutPrefix(l, "LEVEL_")
	if !ok {
		return ""
	}
	return strings.ReplaceAll(rest, "_", ".")
}

// preset is the x264/x265 preset for a QualityTuningLevel.
func (c *Config) preset(level string) string {
	if level == "" {
		level = "SINGLE_PASS_HQ" // MediaConvert's default
	}
	if p, ok := c.Presets[level]; ok {
		return p
	}
	return defaultPresets[level]
}

var defaultPresets = map[string]string{
	"SINGLE_PASS":    "veryfast",
	"SINGLE_PASS_HQ": "medium",
	"MULTI_PASS_HQ":  "slow",
}

// hevcTag is the MP4 sample entry of an H.265 output (hvc1 by default, as
// MediaConvert writes).
func hevcTag(s *H265Settings) string {
	if s.WriteMp4PackagingType == "HEV1" {
		return "hev1"
	}
	return "hvc1"
}
