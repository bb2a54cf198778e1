package transcode

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// videoSource is the input picture after the input's rotation.
type videoSource struct {
	Width, Height int
	FPS           float64
}

// videoPlan is one output's video: its filters and its encoder options.
type videoPlan struct {
	Codec         string // H_264, H_265 or FRAME_CAPTURE
	Width, Height int
	FPS           float64
	Chain         string   // filters from the (rotated) input picture
	Encoder       []string // encoder options, stream specifiers without index (":v")
	Kbps          int      // for $rv$: Bitrate, or MaxBitrate for QVBR
	Keyint        float64  // seconds between forced keyframes (0: frame capture)
	Tag           string   // H.265 MP4/MOV sample entry: hvc1 or hev1
}

// defaultGOP is the keyframe interval, in seconds, of outputs whose GOP
// size is AUTO: every output of this length encodes identically whatever
// its container, so one encode can feed an MP4 and an HLS rendition.
const defaultGOP = 2

// outputDims resolves the output resolution and how to scale to it, as
// MediaConvert's ScalingBehavior documents it. src is the cropped input.
func outputDims(v *VideoDescription, srcW, srcH int) (w, h int, filters []string) {
	w, h = v.Width, v.Height
	switch {
	case w == 0 && h == 0:
		w, h = srcW, srcH
	case w == 0:
		w = even(float64(h) * float64(srcW) / float64(srcH))
	case h == 0:
		h = even(float64(w) * float64(srcH) / float64(srcW))
	}
	flags := scaleFlags(v)
	scale := func(sw, sh int) string { return fmt.Sprintf("scale=%d:%d:flags=%s", sw, sh, flags) }
	fitW, fitH := fit(srcW, srcH, w, h)
	switch v.ScalingBehavior {
	case "STRETCH_TO_OUTPUT":
		if w != srcW || h != srcH {
			filters = append(filters, scale(w, h))
		}
	case "FIT":
		w, h = fitW, fitH
		if w != srcW || h != srcH {
			filters = append(filters, scale(w, h))
		}
	case "FIT_NO_UPSCALE":
		if srcW <= w && srcH <= h {
			return srcW, srcH, nil
		}
		w, h = fitW, fitH
		filters = append(filters, scale(w, h))
	case "FILL":
		cw, ch := cover(srcW, srcH, w, h)
		if cw != srcW || ch != srcH {
			filters = append(filters, scale(cw, ch))
		}
		if cw != w || ch != h {
			filters = append(filters, fmt.Sprintf("crop=%d:%d", w, h))
		}
	default: // DEFAULT: fit, then pad with black to the output size
		if fitW != srcW || fitH != srcH {
			filters = append(filters, scale(fitW, fitH))
		}
		if fitW != w || fitH != h {
			filters = append(filters, fmt.Sprintf("pad=%d:%d:%d:%d:black", w, h, (w-fitW)/2/2*2, (h-fitH)/2/2*2))
		}
	}
	return w, h, filters
}

// fit scales (sw, sh) to fit inside (w, h), keeping the aspect ratio.
func fit(sw, sh, w, h int) (int, int) {
	scale := math.Min(float64(w)/float64(sw), float64(h)/float64(sh))
	return min(w, even(float64(sw)*scale)), min(h, even(float64(sh)*scale))
}

// cover scales (sw, sh) to cover (w, h), keeping the aspect ratio.
func cover(sw, sh, w, h int) (int, int) {
	scale := math.Max(float64(w)/float64(sw), float64(h)/float64(sh))
	return max(w, evenUp(float64(sw)*scale)), max(h, evenUp(float64(sh)*scale))
}

func even(f float64) int   { return max(2, int(math.Round(f/2))*2) }
func evenUp(f float64) int { return max(2, int(math.Ceil(f/2-1e-9))*2) }

// scaleFlags picks the scaler: AntiAlias DISABLED scales fast and plain;
// otherwise Sharpness (0 to 100, default 50) picks a softer or sharper
// kernel: bilinear below 34, bicubic to 66, lanczos above.
func scaleFlags(v *VideoDescription) string {
	if v.AntiAlias == "DISABLED" {
		return "fast_bilinear"
	}
	s := 50
	if v.Sharpness != nil {
		s = *v.Sharpness
	}
	switch {
	case s < 34:
		return "bilinear"
	case s <= 66:
		return "bicubic"
	}
	return "lanczos"
}

// planVideo plans an H.264 or H.265 output's video.
func planVideo(v *VideoDescription, src videoSource, seg segmenting, cfg *Config) (*videoPlan, error) {
	cs := v.CodecSettings
	var shared encoderSettings
	if cs.Codec == "H_265" {
		shared = cs.H265Settings.shared()
	} else {
		shared = cs.H264Settings.shared()
	}
	var chain []string
	srcW, srcH := src.Width, src.Height
	if r := v.Crop; r != nil {
		if r.X+r.Width > srcW || r.Y+r.Height > srcH {
			return nil, fmt.Errorf("the Crop %dx%d at (%d, %d) is outside the %dx%d input picture", r.Width, r.Height, r.X, r.Y, srcW, srcH)
		}
		chain = append(chain, fmt.Sprintf("crop=%d:%d:%d:%d", r.Width, r.Height, r.X, r.Y))
		srcW, srcH = r.Width, r.Height
	}
	p := &videoPlan{Codec: cs.Codec, FPS: src.FPS}
	if cs.Codec == "H_265" {
		p.Tag = hevcTag(cs.H265Settings)
	}
	if shared.FramerateControl == "SPECIFIED" {
		p.FPS = float64(shared.FramerateNum) / float64(shared.FrameDen)
		chain = append(chain, fmt.Sprintf("fps=%d/%d", shared.FramerateNum, shared.FrameDen))
	}
	w, h, scale := outputDims(v, srcW, srcH)
	p.Width, p.Height = w, h
	chain = append(chain, scale...)
	sar := "1"
	if shared.ParControl == "SPECIFIED" {
		sar = fmt.Sprintf("%d/%d", shared.ParNum, shared.ParDen)
	}
	chain = append(chain, "setsar="+sar, "format=yuv420p")
	p.Chain = strings.Join(chain, ",")
	p.Keyint = keyframeInterval(shared, p.FPS, seg)
	p.Encoder = encoderOptions(cs, shared, p, seg, cfg)
	p.Kbps = shared.Bitrate / 1000
	if rateControlMode(shared.RateControlMode) == "QVBR" {
		p.Kbps = shared.MaxBitrate / 1000
	}
	if v.ColorMetadata == "IGNORE" {
		p.Encoder = append(p.Encoder, "-color_primaries:v", "unknown", "-color_trc:v", "unknown", "-colorspace:v", "unknown")
	}
	return p, nil
}

// segmenting is what an output's group asks of its keyframes.
type segmenting struct {
	Length   int     // HLS SegmentLength in seconds; 0 for a file output
	Exact    bool    // SegmentLengthControl EXACT: a keyframe at every boundary
	Duration float64 // the output's duration, to list keyframe times
}

// keyframeInterval is the GOP length in seconds.
func keyframeInterval(s encoderSettings, fps float64, seg segmenting) float64 {
	switch s.GopSizeUnits {
	case "SECONDS":
		return s.GopSize
	case "FRAMES":
		if fps > 0 {
			return s.GopSize / fps
		}
		return defaultGOP
	}
	if seg.Length > 0 && seg.Exact && seg.Length%defaultGOP != 0 {
		return float64(gcd(seg.Length, defaultGOP))
	}
	return defaultGOP
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// forcedKeyframes is the -force_key_frames value: every keyint seconds,
// and, when segments must be exact and are not a multiple of the GOP, at
// every segment boundary too (as a list of times).
func forcedKeyframes(keyint float64, seg segmenting) string {
	if !seg.Exact || seg.Length == 0 || isMultiple(float64(seg.Length), keyint) {
		return fmt.Sprintf("expr:gte(t,n_forced*%s)", fmtFloat(keyint))
	}
	var times []string
	seen := map[string]bool{}
	add := func(t float64) {
		s := fmtFloat(t)
		if !seen[s] {
			seen[s] = true
			times = append(times, s)
		}
	}
	ki, si := 0.0, 0.0
	for ki <= seg.Duration || si <= seg.Duration {
		if ki <= si {
			add(ki)
			ki += keyint
		} else {
			add(si)
			si += float64(seg.Length)
		}
	}
	return strings.Join(times, ",")
}

func isMultiple(a, b float64) bool {
	r := math.Mod(a, b)
	return r < 1e-6 || b-r < 1e-6
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// qvbrCRF maps a QVBR quality level (1 to 10, fractions allowed) to a
// constant rate factor: H.264 crf = 37 - 2*level (7 is 23, libx264's
// default; 10 is 17, visually lossless), H.265 five points higher (x265's
// scale). AUTO (no level) is 7.
func qvbrCRF(codec string, q *QvbrSettings) float64 {
	level := 7.0
	if q != nil && q.QvbrQualityLevel > 0 {
		level = float64(q.QvbrQualityLevel)
		if q.QvbrQualityLevelFineTune != nil {
			level += math.Round(*q.QvbrQualityLevelFineTune*3) / 3
		}
	}
	crf := 37 - 2*level
	if codec == "H_265" {
		crf += 5
	}
	return math.Round(crf*100) / 100
}
