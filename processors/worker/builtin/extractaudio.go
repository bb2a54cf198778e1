package builtin

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/worker"
)

// ExtractAudio (Sync) takes the input's first audio track out as an
// Audio object: Configuration.Format m4a (AAC at Bitrate, default 128000;
// the default) or wav (16-bit PCM, what speech-to-text services take),
// at SampleRate (default the source's) with Channels (default the
// source's; 1 mixes down to mono). The Audio is audio.m4a or audio.wav;
// MetaData AudioDuration (seconds), AudioSampleRate and AudioChannels.
type ExtractAudio struct {
	// WorkDir holds downloaded media; default os.TempDir().
	WorkDir string
}

// Start implements worker.Handler.
func (o ExtractAudio) Start(ctx context.Context, t *worker.Task) (worker.Result, error) {
	m, failed, err := openMedia(ctx, "ExtractAudio", t, o.WorkDir)
	if failed != nil || err != nil {
		return deref(failed), err
	}
	defer m.done()
	a, ok := m.meta.FirstAudio()
	if !ok {
		return worker.Failed(fmt.Sprintf("ExtractAudio: s3://%s/%s has no audio", m.object.S3Bucket, m.object.S3Key), ""), nil
	}
	format, err := configString(t.Configuration, "Format", "m4a", "m4a", "wav")
	rate, err2 := configNumber(t.Configuration, "SampleRate", float64(a.SampleRate), 8000, 192000)
	channels, err3 := configNumber(t.Configuration, "Channels", float64(min(max(a.Channels, 1), 8)), 1, 8)
	bitrate, err4 := configNumber(t.Configuration, "Bitrate", 128000, 16000, 512000)
	if err := firstErr(err, err2, err3, err4); err != nil {
		return worker.Failed("ExtractAudio: "+err.Error(), ""), nil
	}
	name, ctype := "audio."+format, "audio/mp4"
	args := []string{"-map", "0:a:0", "-vn", "-ar", strconv.Itoa(int(rate)), "-ac", strconv.Itoa(int(channels))}
	if format == "wav" {
		ctype = "audio/wav"
		args = append(args, "-c:a", "pcm_s16le", name)
	} else {
		args = append(args, "-c:a", "aac", "-b:a", strconv.Itoa(int(bitrate)), "-movflags", "+faststart", name)
	}
	if err := m.ffmpeg(ctx, "ExtractAudio", nil, args...); err != nil {
		return worker.Result{}, err
	}
	am, err := m.probeOutput(ctx, name)
	if err != nil {
		return worker.Result{}, fmt.Errorf("ExtractAudio: the audio does not probe: %w", err)
	}
	obj, err := m.add(ctx, "Audio", name, ctype)
	if err != nil {
		return worker.Result{}, err
	}
	oa, _ := am.FirstAudio()
	return worker.Complete(map[string]events.MediaObject{"Audio": obj}, map[string]any{
		"AudioDuration": ftoa(am.Duration), "AudioSampleRate": strconv.Itoa(oa.SampleRate), "AudioChannels": strconv.Itoa(oa.Channels)}), nil
}
