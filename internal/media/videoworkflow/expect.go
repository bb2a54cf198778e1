package videoworkflow

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/mie-kafka/mie/internal/media/qc"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/problem"
)

// expectations are what each output should be: the source's duration
// always (from the metadata), and, when the transcode Job is given, each
// output's size, HLS segment length and capture count from its settings.
type expectations struct {
	base     qc.Expect
	files    map[string]qc.Expect // s3 URI of a file output
	hlsGroup map[string]hlsExpect // s3 URI of a master playlist
	stems    map[string]qc.Expect // s3 URI of a capture stem
}

type hlsExpect struct {
	exp   qc.Expect
	sizes []qc.Size
}

func newExpectations(in QualityControlInput) (*expectations, error) {
	e := &expectations{files: map[string]qc.Expect{}, hlsGroup: map[string]hlsExpect{}, stems: map[string]qc.Expect{}}
	if m := in.Metadata; m != nil {
		e.base.Duration = m.Duration
		e.base.NoAudio = m.AudioCodec == ""
	}
	job := in.MediaConvertJob
	if job == nil {
		return e, nil
	}
	var settings transcode.JobSettings
	if err := json.Unmarshal(job.Settings, &settings); err != nil {
		return nil, problem.Invalid("mediaConvertJob.Settings", "%v", err)
	}
	for g, d := range job.OutputGroupDetails {
		if g >= len(settings.OutputGroups) {
			break
		}
		e.group(&settings.OutputGroups[g], d)
	}
	return e, nil
}

// group records the expectations of one output group.
func (e *expectations) group(og *transcode.OutputGroup, d transcode.OutputGroupDetail) {
	hlsSettings := og.OutputGroupSettings.HlsGroupSettings
	var sizes []qc.Size
	noAudio := true
	for o, od := range d.OutputDetails {
		if o >= len(og.Outputs) {
			break
		}
		out := &og.Outputs[o]
		exp := e.base
		exp.NoAudio = e.base.NoAudio || len(out.AudioDescriptions) == 0
		noAudio = noAudio && exp.NoAudio
		exp.Width, exp.Height = askedSize(out.VideoDescription, od.VideoDetails)
		sizes = append(sizes, qc.Size{Width: exp.Width, Height: exp.Height})
		if len(od.OutputFilePaths) == 0 || hlsSettings != nil {
			continue
		}
		uri := od.OutputFilePaths[0]
		if vd := out.VideoDescription; vd != nil && vd.CodecSettings != nil && vd.CodecSettings.FrameCaptureSettings != nil {
			fc := vd.CodecSettings.FrameCaptureSettings
			exp.Captures = expectedCaptures(e.base.Duration, fc)
			e.stems[captureStem(uri)] = exp
			continue
		}
		e.files[uri] = exp
	}
	if hlsSettings != nil && len(d.PlaylistFilePaths) > 0 {
		exp := e.base
		exp.NoAudio = noAudio
		exp.SegmentLength = float64(hlsSettings.SegmentLength)
		if exp.SegmentLength == 0 {
			exp.SegmentLength = 10 // MediaConvert's default
		}
		e.hlsGroup[d.PlaylistFilePaths[0]] = hlsExpect{exp: exp, sizes: sizes}
	}
}

// askedSize is the size the settings ask for when they fix it (both
// dimensions and a behaviour that keeps them), else the size MediaConvert
// reported.
func askedSize(vd *transcode.VideoDescription, reported *transcode.VideoDetail) (int, int) {
	if vd != nil && vd.Width > 0 && vd.Height > 0 && !strings.HasPrefix(vd.ScalingBehavior, "FIT") {
		return vd.Width, vd.Height
	}
	if reported != nil {
		return reported.WidthInPx, reported.HeightInPx
	}
	return 0, 0
}

// expectedCaptures: the first frame, then one every
// FramerateDenominator/FramerateNumerator seconds of the source, at most
// MaxCaptures.
func expectedCaptures(duration float64, fc *transcode.FrameCaptureSettings) int {
	if duration <= 0 || fc.FramerateNumerator <= 0 || fc.FramerateDenominator <= 0 {
		return 0
	}
	interval := float64(fc.FramerateDenominator) / float64(fc.FramerateNumerator)
	n := int(math.Floor((duration-0.001)/interval)) + 1
	if fc.MaxCaptures > 0 {
		n = min(n, fc.MaxCaptures)
	}
	return n
}

func uri(bucket, key string) string { return fmt.Sprintf("s3://%s/%s", bucket, key) }

func (e *expectations) file(bucket, key string) qc.Expect {
	if exp, ok := e.files[uri(bucket, key)]; ok {
		return exp
	}
	return e.base
}

func (e *expectations) hls(bucket, key string) (qc.Expect, []qc.Size) {
	if h, ok := e.hlsGroup[uri(bucket, key)]; ok {
		return h.exp, h.sizes
	}
	return e.base, nil
}

func (e *expectations) captures(bucket, stem string) qc.Expect {
	if exp, ok := e.stems[uri(bucket, stem)]; ok {
		return exp
	}
	return qc.Expect{} // without the job: at least one decodable capture
}
