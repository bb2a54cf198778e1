// Package probe describes a media file by running ffprobe on it: duration,
// size, container format, overall bitrate, and for each audio and video
// stream its codec, resolution, frame rate, channels and sample rate.
//
// A file ffprobe cannot read as media, or one with neither audio nor video,
// fails with a *NotMediaError (errors.Is(err, ErrNotMedia)); a missing
// ffprobe fails with ffmpeg.ErrNotInstalled. Callers decide whether that
// means skip, retry or fail.
package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
)

// ErrNotMedia is wrapped by every error saying a file is not media.
var ErrNotMedia = errors.New("not a media file")

// NotMediaError says why a file is not media.
type NotMediaError struct {
	Path   string
	Reason string
}

func (e *NotMediaError) Error() string {
	return fmt.Sprintf("%s is not a media file: %s", e.Path, e.Reason)
}

func (e *NotMediaError) Is(target error) bool { return target == ErrNotMedia }

// Metadata is what ffprobe says about a file.
type Metadata struct {
	Path     string
	Format   string  // ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
	Duration float64 // seconds
	Size     int64   // bytes
	BitRate  int64   // bits/s over the whole file
	Timecode string  // the embedded start timecode (HH:MM:SS:FF), "" when none
	Video    []VideoStream
	Audio    []AudioStream
}

// VideoStream is one video stream (attached pictures, such as cover art,
// are left out).
type VideoStream struct {
	Index     int // ffprobe's stream index within the file
	Codec     string
	Profile   string
	Level     int // as ffprobe reports it: H.264 level 4.0 is 40
	Width     int
	Height    int
	FPS       float64 // average frame rate, frames per second
	FrameRate string  // the same as a fraction, e.g. "30000/1001"
	PixFmt    string
	BitRate   int64
	Duration  float64
	Frames    int64 // 0 when the container does not say
	Rotation  int   // degrees, from the display matrix; 0 when none
}

// AudioStream is one audio stream.
type AudioStream struct {
	Index         int
	Codec         string
	Profile       string
	Channels      int
	ChannelLayout string
	SampleRate    int
	BitRate       int64
	Duration      float64
	Language      string
}

// FirstVideo returns the first video stream, if any.
func (m *Metadata) FirstVideo() (VideoStream, bool) {
	if len(m.Video) == 0 {
		return VideoStream{}, false
	}
	return m.Video[0], true
}

// FirstAudio returns the first audio stream, if any.
func (m *Metadata) FirstAudio() (AudioStream, bool) {
	if len(m.Audio) == 0 {
		return AudioStream{}, false
	}
	return m.Audio[0], true
}

// File probes the file at path.
func File(ctx context.Context, path string) (*Metadata, error) {
	tools, err := ffmpeg.Find()
	if err != nil {
		return nil, err
	}
	return WithTools(ctx, tools, path)
}

// WithTools probes with already-found tools.
func WithTools(ctx context.Context, tools ffmpeg.Tools, path string) (*Metadata, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	if st.IsDir() {
		return nil, &NotMediaError{Path: path, Reason: "it is a directory"}
	}
	if st.Size() == 0 {
		return nil, &NotMediaError{Path: path, Reason: "the file is empty"}
	}
	safe, done, err := ffmpeg.SafeInput(path)
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	defer done()
	out, err := tools.Probe(ctx, "-v", "error", "-print_format", "json",
		"-show_format", "-show_streams", "--", safe)
	if err != nil {
		var exit *ffmpeg.ExitError
		if errors.As(err, &exit) {
			return nil, &NotMediaError{Path: path, Reason: "ffprobe: " + reason(exit.Stderr, safe)}
		}
		return nil, fmt.Errorf("probe %s: %w", path, err)
	}
	var raw ffprobeOutput
	if err := json.Unmarshal(out, &raw); err != nil {
		return nil, fmt.Errorf("probe %s: reading ffprobe's output: %w", path, err)
	}
	m := raw.metadata(path, st.Size())
	if raw.Format.ProbeScore < minProbeScore {
		return nil, &NotMediaError{Path: path, Reason: fmt.Sprintf("ffprobe only guessed its format (%q, score %d of 100)",
			m.Format, raw.Format.ProbeScore)}
	}
	if len(m.Video) == 0 && len(m.Audio) == 0 {
		return nil, &NotMediaError{Path: path, Reason: fmt.Sprintf("ffprobe found no audio or video stream (format %q)", m.Format)}
	}
	return m, nil
}

// minProbeScore is the least ffprobe confidence taken as media: random
// bytes now and then pass for a weak format (an LRC subtitle, score 5);
// real files score 50 or more (a JPEG with no extension, 26).
const minProbeScore = 25

// reason turns ffprobe's stderr into one line without the repeated path.
func reason(stderr, path string) string {
	var parts []string
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), path+":"))
		if l != "" {
			parts = append(parts, l)
		}
	}
	if len(parts) == 0 {
		return "unreadable"
	}
	if len(parts) > 3 {
		parts = parts[len(parts)-3:]
	}
	return strings.Join(parts, "; ")
}

type ffprobeOutput struct {
	Streams []ffprobeStream `json:"streams"`
	Format  struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
		Size       string `json:"size"`
		BitRate    string `json:"bit_rate"`
		ProbeScore int    `json:"probe_score"`
		Tags       struct {
			Timecode string `json:"timecode"`
		} `json:"tags"`
	} `json:"format"`
}

type ffprobeStream struct {
	Index         int    `json:"index"`
	CodecName     string `json:"codec_name"`
	CodecType     string `json:"codec_type"`
	Profile       string `json:"profile"`
	Level         int    `json:"level"`
	Width         int    `json:"width"`
	Height        int    `json:"height"`
	PixFmt        string `json:"pix_fmt"`
	RFrameRate    string `json:"r_frame_rate"`
	AvgFrameRate  string `json:"avg_frame_rate"`
	Duration      string `json:"duration"`
	BitRate       string `json:"bit_rate"`
	NbFrames      string `json:"nb_frames"`
	SampleRate    string `json:"sample_rate"`
	Channels      int    `json:"channels"`
	ChannelLayout string `json:"channel_layout"`
	Disposition   struct {
		AttachedPic int `json:"attached_pic"`
	} `json:"disposition"`
	Tags struct {
		Language string `json:"language"`
		Rotate   string `json:"rotate"`
		Timecode string `json:"timecode"`
	} `json:"tags"`
	SideData []struct {
		Rotation *float64 `json:"rotation"`
	} `json:"side_data_list"`
}

func (o *ffprobeOutput) metadata(path string, size int64) *Metadata {
	m := &Metadata{
		Path:     path,
		Format:   o.Format.FormatName,
		Duration: parseFloat(o.Format.Duration),
		Size:     size,
		BitRate:  parseInt(o.Format.BitRate),
		Timecode: o.Format.Tags.Timecode,
	}
	for _, s := range o.Streams {
		if m.Timecode == "" && s.Tags.Timecode != "" {
			m.Timecode = s.Tags.Timecode
		}
		switch {
		case s.CodecType == "video" && s.Disposition.AttachedPic == 0:
			m.Video = append(m.Video, s.video())
		case s.CodecType == "audio":
			m.Audio = append(m.Audio, AudioStream{
				Index: s.Index, Codec: s.CodecName, Profile: s.Profile,
				Channels: s.Channels, ChannelLayout: s.ChannelLayout,
				SampleRate: int(parseInt(s.SampleRate)), BitRate: parseInt(s.BitRate),
				Duration: parseFloat(s.Duration), Language: s.Tags.Language,
			})
		}
	}
	if m.Duration == 0 {
		for _, v := range m.Video {
			m.Duration = math.Max(m.Duration, v.Duration)
		}
		for _, a := range m.Audio {
			m.Duration = math.Max(m.Duration, a.Duration)
		}
	}
	if m.BitRate == 0 && m.Duration > 0 {
		m.BitRate = int64(float64(size*8) / m.Duration)
	}
	return m
}

func (s ffprobeStream) video() VideoStream {
	rate := s.AvgFrameRate
	if fps := parseRate(rate); fps == 0 {
		rate = s.RFrameRate
	}
	v := VideoStream{
		Index: s.Index, Codec: s.CodecName, Profile: s.Profile, Level: s.Level,
		Width: s.Width, Height: s.Height, PixFmt: s.PixFmt,
		FPS: parseRate(rate), FrameRate: rate,
		BitRate: parseInt(s.BitRate), Duration: parseFloat(s.Duration),
		Frames: parseInt(s.NbFrames),
	}
	if r, err := strconv.Atoi(s.Tags.Rotate); err == nil {
		v.Rotation = r
	}
	for _, sd := range s.SideData {
		if sd.Rotation != nil {
			v.Rotation = int(math.Round(*sd.Rotation))
		}
	}
	return v
}

func parseFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

func parseInt(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// parseRate reads "num/den"; 0 for "0/0" or garbage.
func parseRate(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	if !ok {
		return parseFloat(s)
	}
	n, d := parseFloat(num), parseFloat(den)
	if d == 0 {
		return 0
	}
	return n / d
}
