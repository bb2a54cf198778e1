package builtin

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/processors/worker"
)

// MediaInfo (Sync) analyses the input media with ffprobe: the object of
// Configuration.MediaType, else every Video and Audio object. Each gets a
// metadata page (container, duration, size, bitrate; per stream codec,
// profile, resolution, frame rate, pixel format, channels, sample rate,
// language), the summary is a derived Text object (mediainfo.json), and
// later stages get MetaData of the first object: Duration (seconds),
// Width, Height, FrameRate, VideoCodec, AudioCodec, SampleRate and
// MediaInfoBytes, strings as MIE's metadata are. An input that is not
// media fails the task, saying why.
type MediaInfo struct {
	// WorkDir holds downloaded media; default os.TempDir().
	WorkDir string
}

// mediaInfo is one page of MediaInfo's results.
type mediaInfo struct {
	MediaType string      `json:"MediaType"`
	S3Bucket  string      `json:"S3Bucket"`
	S3Key     string      `json:"S3Key"`
	Format    string      `json:"Format"`
	Duration  float64     `json:"Duration"`
	Size      int64       `json:"Size"`
	BitRate   int64       `json:"BitRate"`
	Timecode  string      `json:"Timecode,omitempty"`
	Video     []videoInfo `json:"Video"`
	Audio     []audioInfo `json:"Audio"`
}

type videoInfo struct {
	Index     int     `json:"Index"`
	Codec     string  `json:"Codec"`
	Profile   string  `json:"Profile,omitempty"`
	Level     int     `json:"Level,omitempty"`
	Width     int     `json:"Width"`
	Height    int     `json:"Height"`
	FPS       float64 `json:"FPS"`
	FrameRate string  `json:"FrameRate"`
	PixFmt    string  `json:"PixFmt,omitempty"`
	BitRate   int64   `json:"BitRate,omitempty"`
	Duration  float64 `json:"Duration,omitempty"`
	Frames    int64   `json:"Frames,omitempty"`
	Rotation  int     `json:"Rotation,omitempty"`
}

type audioInfo struct {
	Index         int     `json:"Index"`
	Codec         string  `json:"Codec"`
	Profile       string  `json:"Profile,omitempty"`
	Channels      int     `json:"Channels"`
	ChannelLayout string  `json:"ChannelLayout,omitempty"`
	SampleRate    int     `json:"SampleRate"`
	BitRate       int64   `json:"BitRate,omitempty"`
	Duration      float64 `json:"Duration,omitempty"`
	Language      string  `json:"Language,omitempty"`
}

// Start implements worker.Handler.
func (o MediaInfo) Start(ctx context.Context, t *worker.Task) (worker.Result, error) {
	tools, err := ffmpeg.Find()
	if err != nil {
		return worker.Failed(ErrFfmpegNotInstalled, "MediaInfo: "+err.Error()), nil
	}
	types := mediaInfoInputs(t)
	if len(types) == 0 {
		return worker.Failed("MediaInfo needs an input media object (Video or Audio; Configuration.MediaType picks one)", ""), nil
	}
	var infos []mediaInfo
	for _, mt := range types {
		m, failed, err := fetchMedia(ctx, "MediaInfo", tools, mt, t.Input.Media[mt], o.WorkDir)
		if failed != nil || err != nil {
			return deref(failed), err
		}
		m.done()
		infos = append(infos, describeMedia(mt, m.object, m.meta))
	}
	pages := make([]any, len(infos))
	for i := range infos {
		pages[i] = infos[i]
	}
	out := worker.Outputs(ctx)
	if err := out.StoreMetadataPages(ctx, pages...); err != nil {
		return worker.Result{}, err
	}
	summary, err := json.MarshalIndent(infos, "", "  ")
	if err != nil {
		return worker.Result{}, err
	}
	if _, err := out.AddMediaObject(ctx, "Text", "mediainfo.json", bytes.NewReader(summary), int64(len(summary)), "application/json"); err != nil {
		return worker.Result{}, err
	}
	return worker.Complete(nil, mediaInfoMetaData(infos)), nil
}

// mediaInfoInputs are the media types MediaInfo analyses, sorted.
func mediaInfoInputs(t *worker.Task) []string {
	if mt, _ := t.Configuration["MediaType"].(string); mt != "" {
		if _, ok := t.Input.Media[mt]; ok {
			return []string{mt}
		}
	}
	var out []string
	for _, mt := range []string{"Audio", "Video"} {
		if _, ok := t.Input.Media[mt]; ok {
			out = append(out, mt)
		}
	}
	if len(out) == 0 && len(t.Input.Media) == 1 {
		for mt := range t.Input.Media {
			out = append(out, mt)
		}
	}
	slices.Sort(out)
	return out
}

func describeMedia(mt string, obj events.MediaObject, m *probe.Metadata) mediaInfo {
	info := mediaInfo{MediaType: mt, S3Bucket: obj.S3Bucket, S3Key: obj.S3Key, Format: m.Format, Duration: m.Duration,
		Size: m.Size, BitRate: m.BitRate, Timecode: m.Timecode, Video: []videoInfo{}, Audio: []audioInfo{}}
	for _, v := range m.Video {
		info.Video = append(info.Video, videoInfo{Index: v.Index, Codec: v.Codec, Profile: v.Profile, Level: v.Level,
			Width: v.Width, Height: v.Height, FPS: v.FPS, FrameRate: v.FrameRate, PixFmt: v.PixFmt, BitRate: v.BitRate,
			Duration: v.Duration, Frames: v.Frames, Rotation: v.Rotation})
	}
	for _, a := range m.Audio {
		info.Audio = append(info.Audio, audioInfo{Index: a.Index, Codec: a.Codec, Profile: a.Profile, Channels: a.Channels,
			ChannelLayout: a.ChannelLayout, SampleRate: a.SampleRate, BitRate: a.BitRate, Duration: a.Duration, Language: a.Language})
	}
	return info
}

// mediaInfoMetaData is the workflow metadata of the first object
// analysed (Video before Audio when both are), plus the bytes of all.
func mediaInfoMetaData(infos []mediaInfo) map[string]any {
	first := infos[0]
	for _, i := range infos {
		if i.MediaType == "Video" {
			first = i
		}
	}
	var total int64
	for _, i := range infos {
		total += i.Size
	}
	md := map[string]any{"Duration": ftoa(first.Duration), "MediaInfoBytes": strconv.FormatInt(total, 10)}
	if len(first.Video) > 0 {
		v := first.Video[0]
		md["Width"], md["Height"] = strconv.Itoa(v.Width), strconv.Itoa(v.Height)
		md["FrameRate"], md["VideoCodec"] = ftoa(v.FPS), v.Codec
	}
	if len(first.Audio) > 0 {
		md["AudioCodec"], md["SampleRate"] = first.Audio[0].Codec, strconv.Itoa(first.Audio[0].SampleRate)
	}
	return md
}

func deref(r *worker.Result) worker.Result {
	if r == nil {
		return worker.Result{}
	}
	return *r
}
