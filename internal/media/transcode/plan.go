package transcode

import (
	"errors"
	"fmt"
	"math"
	"path"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/internal/objectstore"
)

// outputKind is how an output is written.
type outputKind int

const (
	fileOutput    outputKind = iota // one file (MP4, MOV, M2TS, RAW)
	captureOutput                   // numbered JPEG frame captures
	hlsOutput                       // a variant playlist and its segments
)

// jobPlan is a validated request resolved against its probed input: every
// output's names, resolution, filters and encoder options.
type jobPlan struct {
	Input     *probe.Metadata
	InputPath string        // the staged input file
	Rotation  []string      // filters applied to the input picture first
	ClipStart float64       // seconds into the input (InputClippings)
	ClipEnd   float64       // 0: to the end
	Duration  float64       // of the outputs, in seconds
	Groups    []*groupPlan  // in request order
	Encodes   []*encodePlan // distinct encodes, in output order
	Outputs   []*outputPlan // every output, in request order
}

// groupPlan is one output group.
type groupPlan struct {
	Index   int
	Type    string
	Bucket  string
	Prefix  string // key prefix, "" or ending in '/'
	Base    string // file name base
	HLS     *HlsGroupSettings
	Outputs []*outputPlan
	Master  string // HLS master playlist key
}

// outputPlan is one output.
type outputPlan struct {
	Group   *groupPlan
	Index   int
	Path    string // JSON path, for messages
	Kind    outputKind
	Format  string // ffmpeg muxer: mp4, mov, mpegts, h264, hevc, adts, hls, image2
	Video   *videoPlan
	Audio   []*audioPlan
	Capture *FrameCaptureSettings
	HLS     *HlsSettings
	Mux     [][2]string // muxer options
	Tmp     string      // file name in the work directory (an image2 pattern for captures)
	Key     string      // the object key: the file, the variant playlist, or the capture pattern's stem
	SegStem string      // HLS: segment key stem, before "_NNNNN.ts" (SINGLE_FILE: the .ts key)
	Single  bool        // HLS SegmentControl SINGLE_FILE
	Encode  *encodePlan
}

// encodePlan is one set of encoders feeding one or more outputs (through
// ffmpeg's tee muxer when more than one).
type encodePlan struct {
	Key     string
	Video   *videoPlan
	Audio   []*audioPlan
	Outputs []*outputPlan
}

// newPlan resolves req against its probed input. started resolves the
// date and time format identifiers.
func newPlan(req *CreateJobRequest, meta *probe.Metadata, inputPath string, started time.Time, cfg *Config) (*jobPlan, error) {
	in := &req.Settings.Inputs[0]
	p := &jobPlan{Input: meta, InputPath: inputPath}
	src, err := p.inputPicture(in)
	if err != nil {
		return nil, err
	}
	if err := p.clip(in, src.FPS); err != nil {
		return nil, err
	}
	keys := map[string]string{}
	for g := range req.Settings.OutputGroups {
		gp, err := p.group(req, g, src, started, cfg, keys)
		if err != nil {
			return nil, err
		}
		p.Groups = append(p.Groups, gp)
	}
	p.shareEncodes(cfg.Strategy != StrategyNoSharing && cfg.Strategy != StrategyProcessPerOutput)
	return p, nil
}

// inputPicture applies the input's Rotate setting and returns the picture
// the outputs start from.
func (p *jobPlan) inputPicture(in *Input) (videoSource, error) {
	v, ok := p.Input.FirstVideo()
	if !ok {
		return videoSource{}, nil
	}
	src := videoSource{Width: v.Width, Height: v.Height, FPS: v.FPS}
	degrees := 0
	if in.VideoSelector != nil {
		switch in.VideoSelector.Rotate {
		case "DEGREES_90":
			degrees = 90
		case "DEGREES_180":
			degrees = 180
		case "DEGREES_270":
			degrees = 270
		case "AUTO":
			// ffprobe's rotation is counter-clockwise; Rotate is clockwise.
			degrees = ((-v.Rotation)%360 + 360) % 360
		}
	}
	switch degrees {
	case 90:
		p.Rotation = []string{"transpose=clock"}
	case 180:
		p.Rotation = []string{"hflip", "vflip"}
	case 270:
		p.Rotation = []string{"transpose=cclock"}
	}
	if degrees == 90 || degrees == 270 {
		src.Width, src.Height = src.Height, src.Width
	}
	return src, nil
}

// clip resolves InputClippings against the input's timecode source.
func (p *jobPlan) clip(in *Input, fps float64) error {
	p.Duration = p.Input.Duration
	if len(in.InputClippings) == 0 {
		return nil
	}
	// Clipping timecodes count from the input's timecode source: its
	// embedded timecode (MediaConvert's default, EMBEDDED; 00:00:00:00
	// when there is none), zero (ZEROBASED) or TimecodeStart.
	origin := 0.0
	switch in.TimecodeSource {
	case "SPECIFIEDSTART":
		if in.TimecodeStart != "" {
			origin, _ = parseTimecode(in.TimecodeStart, fps)
		}
	case "", "EMBEDDED":
		if p.Input.Timecode != "" {
			origin, _ = parseTimecode(p.Input.Timecode, fps)
		}
	}
	c := in.InputClippings[0]
	var err error
	if c.StartTimecode != "" {
		if p.ClipStart, err = parseTimecode(c.StartTimecode, fps); err != nil {
			return jobErrorf(ErrorCodeSettings, err, "InputClippings[0].StartTimecode: %v", err)
		}
		p.ClipStart -= origin
	}
	end := p.Input.Duration
	if c.EndTimecode != "" {
		if p.ClipEnd, err = parseTimecode(c.EndTimecode, fps); err != nil {
			return jobErrorf(ErrorCodeSettings, err, "InputClippings[0].EndTimecode: %v", err)
		}
		p.ClipEnd -= origin
		end = math.Min(end, p.ClipEnd)
	}
	if p.ClipStart < 0 || p.ClipStart >= end {
		return jobErrorf(ErrorCodeSettings, nil, "the input clipping %q to %q lies outside the input (0 to %.3f s from its timecode start)",
			c.StartTimecode, c.EndTimecode, p.Input.Duration)
	}
	p.Duration = end - p.ClipStart
	return nil
}

// group plans one output group and its outputs' names.
func (p *jobPlan) group(req *CreateJobRequest, g int, src videoSource, started time.Time, cfg *Config, keys map[string]string) (*groupPlan, error) {
	og := &req.Settings.OutputGroups[g]
	gp := &groupPlan{Index: g, Type: og.OutputGroupSettings.Type, HLS: og.OutputGroupSettings.HlsGroupSettings}
	dest := ""
	if gp.HLS != nil {
		dest = gp.HLS.Destination
	} else {
		dest = og.OutputGroupSettings.FileGroupSettings.Destination
	}
	base := inputBase(req.Settings.Inputs[0].FileInput)
	ids := identifierValues{Start: started, InputBase: base}
	u, err := parseS3URI(expandIdentifiers(dest, ids))
	if err != nil {
		return nil, jobErrorf(ErrorCodeSettings, err, "Settings.OutputGroups[%d] destination: %v", g, err)
	}
	gp.Bucket = u.Bucket
	gp.Prefix, gp.Base = destinationParts(u)
	if gp.Base == "" {
		gp.Base = base
	}
	if gp.HLS != nil {
		gp.Master = gp.Prefix + gp.Base + ".m3u8"
		if err := claimKey(keys, gp.Bucket, gp.Master, fmt.Sprintf("Settings.OutputGroups[%d]", g)); err != nil {
			return nil, err
		}
	}
	for o := range og.Outputs {
		op, err := p.output(req, gp, o, src, ids, cfg)
		if err != nil {
			return nil, err
		}
		for _, k := range op.claims() {
			if err := claimKey(keys, gp.Bucket, k, op.Path); err != nil {
				return nil, err
			}
		}
		gp.Outputs = append(gp.Outputs, op)
		p.Outputs = append(p.Outputs, op)
	}
	return gp, nil
}

// claimKey records an output key, failing when two outputs would write it.
func claimKey(keys map[string]string, bucket, key, owner string) error {
	if err := objectstore.ValidateKey(key); err != nil {
		return jobErrorf(ErrorCodeSettings, err, "%s: output key %q: %v", owner, key, err)
	}
	full := bucket + "/" + key
	if other, dup := keys[full]; dup {
		return jobErrorf(ErrorCodeSettings, nil, "%s and %s would both write s3://%s", other, owner, full)
	}
	keys[full] = owner
	return nil
}

// claims are the keys an output writes (or the stems it numbers from).
func (o *outputPlan) claims() []string {
	switch o.Kind {
	case hlsOutput:
		return []string{o.Key, o.SegStem}
	}
	return []string{o.Key}
}

// output plans one output: video, audio, container and names.
func (p *jobPlan) output(req *CreateJobRequest, gp *groupPlan, o int, src videoSource, ids identifierValues, cfg *Config) (*outputPlan, error) {
	out := &req.Settings.OutputGroups[gp.Index].Outputs[o]
	op := &outputPlan{Group: gp, Index: o, Path: fmt.Sprintf("Settings.OutputGroups[%d].Outputs[%d]", gp.Index, o),
		Tmp: fmt.Sprintf("g%do%d", gp.Index, o)}
	fail := func(code int, err error) error {
		var je *JobError
		if errors.As(err, &je) {
			je.Message = op.Path + ": " + je.Message
			return je
		}
		return jobErrorf(code, err, "%s: %v", op.Path, err)
	}
	seg := segmenting{Duration: p.Duration}
	if gp.HLS != nil {
		seg.Length = segmentLength(gp.HLS)
		seg.Exact = gp.HLS.SegmentLengthControl != "GOP_MULTIPLE"
		if out.OutputSettings != nil {
			op.HLS = out.OutputSettings.HlsSettings
		}
	}
	if vd := out.VideoDescription; vd != nil {
		if src.Width == 0 {
			return nil, fail(ErrorCodeVideo, errors.New("the output has video but the input has no video stream"))
		}
		if vd.CodecSettings.Codec == "FRAME_CAPTURE" {
			op.Kind, op.Capture = captureOutput, vd.CodecSettings.FrameCaptureSettings
			op.Video = planCapture(vd, src)
		} else {
			v, err := planVideo(vd, src, seg, cfg)
			if err != nil {
				return nil, fail(ErrorCodeSettings, err)
			}
			op.Video = v
		}
	}
	for i := range out.AudioDescriptions {
		a, err := planAudio(&out.AudioDescriptions[i], &req.Settings.Inputs[0], p.Input, p.Duration)
		if err != nil {
			return nil, fail(ErrorCodeAudio, err)
		}
		op.Audio = append(op.Audio, a)
	}
	ext := op.container(out, gp)
	ids.Extension = ext
	if gp.HLS != nil {
		ids.Extension = "m3u8"
	}
	if v := op.Video; v != nil {
		ids.Width, ids.Height, ids.FPS, ids.VideoKbps = v.Width, v.Height, int(v.FPS), v.Kbps
	}
	for _, a := range op.Audio {
		ids.AudioKbps += a.Kbps
	}
	op.name(out, expandIdentifiers(out.NameModifier, ids), ids, ext)
	return op, nil
}

// name sets the output's keys and work-directory names.
func (op *outputPlan) name(out *Output, modifier string, ids identifierValues, ext string) {
	gp := op.Group
	stem := gp.Prefix + gp.Base + modifier
	switch op.Kind {
	case captureOutput:
		op.Key = stem
		op.Tmp += "_%07d.jpg"
	case hlsOutput:
		op.Key = stem + ".m3u8"
		segMod := ""
		if op.HLS != nil {
			segMod = expandIdentifiers(op.HLS.SegmentModifier, ids)
		}
		op.Single = gp.HLS.SegmentControl == "SINGLE_FILE"
		if op.Single {
			op.SegStem = stem + ".ts"
		} else {
			op.SegStem = stem + segMod
		}
		op.Tmp += ".m3u8"
	default:
		op.Key = stem + "." + ext
		op.Tmp += "." + ext
	}
}

// container picks the muxer and extension, and the muxer options.
func (op *outputPlan) container(out *Output, gp *groupPlan) (ext string) {
	if gp.HLS != nil {
		op.Kind, op.Format = hlsOutput, "hls"
		m := &M3u8Settings{}
		if out.ContainerSettings != nil && out.ContainerSettings.M3u8Settings != nil {
			m = out.ContainerSettings.M3u8Settings
		}
		op.Mux = transportStreamOptions(tsSettings{m.PmtPid, m.VideoPid, m.AudioPids, m.ProgramNumber, m.TransportStreamId})
		return "m3u8"
	}
	if op.Kind == captureOutput {
		op.Format = "image2"
		return "jpg"
	}
	cs := out.ContainerSettings
	switch cs.Container {
	case "MP4":
		op.Format, ext = "mp4", "mp4"
		if m := cs.Mp4Settings; m == nil || m.MoovPlacement != "NORMAL" {
			op.Mux = append(op.Mux, [2]string{"movflags", "+faststart"})
		}
		if m := cs.Mp4Settings; m != nil && m.Mp4MajorBrand != "" {
			op.Mux = append(op.Mux, [2]string{"brand", m.Mp4MajorBrand})
		}
	case "MOV":
		op.Format, ext = "mov", "mov"
		op.Mux = append(op.Mux, [2]string{"movflags", "+faststart"})
	case "M2TS":
		op.Format, ext = "mpegts", "m2ts"
		m := cs.M2tsSettings
		if m == nil {
			m = &M2tsSettings{}
		}
		op.Mux = append(op.Mux, transportStreamOptions(tsSettings{m.PmtPid, m.VideoPid, m.AudioPids, m.ProgramNumber, m.TransportStreamId})...)
	case "RAW":
		switch {
		case op.Video != nil && op.Video.Codec == "H_265":
			op.Format, ext = "hevc", "h265"
		case op.Video != nil:
			op.Format, ext = "h264", "h264"
		default:
			op.Format, ext = "adts", "aac"
		}
	}
	if out.Extension != "" {
		ext = out.Extension
	}
	return ext
}

// transportStreamOptions are the mpegts muxer's PIDs and ids, from
// MediaConvert's defaults (PMT 480, video 481, audio from 482).
func transportStreamOptions(ts tsSettings) [][2]string {
	pmt, video := defaultPmtPid, defaultVideoPid
	if ts.PmtPid != nil {
		pmt = *ts.PmtPid
	}
	if ts.VideoPid != nil {
		video = *ts.VideoPid
	}
	o := [][2]string{{"mpegts_pmt_start_pid", fmt.Sprint(pmt)}, {"mpegts_start_pid", fmt.Sprint(video)}}
	if ts.ProgramNumber != nil {
		o = append(o, [2]string{"mpegts_service_id", fmt.Sprint(*ts.ProgramNumber)})
	}
	if ts.TransportStreamId != nil {
		o = append(o, [2]string{"mpegts_transport_stream_id", fmt.Sprint(*ts.TransportStreamId)})
	}
	return o
}

// planCapture plans a frame capture's picture: the first frame, then one
// every FramerateDenominator/FramerateNumerator seconds, scaled.
func planCapture(vd *VideoDescription, src videoSource) *videoPlan {
	f := vd.CodecSettings.FrameCaptureSettings
	interval := float64(f.FramerateDenominator) / float64(f.FramerateNumerator)
	chain := []string{"setpts=PTS-STARTPTS", fmt.Sprintf("select='gte(t\\,selected_n*%s)'", fmtFloat(interval))}
	srcW, srcH := src.Width, src.Height
	if r := vd.Crop; r != nil && r.X+r.Width <= srcW && r.Y+r.Height <= srcH {
		chain = append(chain, fmt.Sprintf("crop=%d:%d:%d:%d", r.Width, r.Height, r.X, r.Y))
		srcW, srcH = r.Width, r.Height
	}
	w, h, scale := outputDims(vd, srcW, srcH)
	chain = append(chain, scale...)
	chain = append(chain, "setsar=1")
	return &videoPlan{Codec: "FRAME_CAPTURE", Width: w, Height: h, FPS: 1 / interval, Chain: strings.Join(chain, ",")}
}

// jpegQuality maps MediaConvert's Quality (1 to 100, default 80) to the
// MJPEG encoder's qscale (31, worst, to 2, best): 80 is 8.
func jpegQuality(q int) int {
	if q == 0 {
		q = 80
	}
	return int(math.Round(2 + float64(100-q)*29/99))
}

// contentType of an output file, by extension.
func contentType(key string) string {
	switch path.Ext(key) {
	case ".mp4":
		return "video/mp4"
	case ".mov":
		return "video/quicktime"
	case ".m2ts", ".ts":
		return "video/mp2t"
	case ".m3u8":
		return "application/vnd.apple.mpegurl"
	case ".jpg":
		return "image/jpeg"
	case ".aac":
		return "audio/aac"
	case ".h264", ".h265":
		return "video/" + strings.TrimPrefix(path.Ext(key), ".")
	}
	return "application/octet-stream"
}
