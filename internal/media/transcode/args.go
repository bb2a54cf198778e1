package transcode

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// shareEncodes groups outputs into encodes. With share, outputs whose
// pictures, sounds and encoder options are identical (an MP4 and an HLS
// rendition of the same ladder rung, say) share one encode, muxed to each
// through ffmpeg's tee muxer; otherwise every output has its own.
func (p *jobPlan) shareEncodes(share bool) {
	byKey := map[string]*encodePlan{}
	for _, o := range p.Outputs {
		key := o.encodeKey()
		if e, ok := byKey[key]; ok && share && o.Kind != captureOutput {
			e.Outputs = append(e.Outputs, o)
			o.Encode = e
			continue
		}
		e := &encodePlan{Key: key, Video: o.Video, Audio: o.Audio, Outputs: []*outputPlan{o}}
		byKey[key] = e
		o.Encode = e
		p.Encodes = append(p.Encodes, e)
	}
}

func (o *outputPlan) encodeKey() string {
	var b strings.Builder
	if v := o.Video; v != nil {
		fmt.Fprintf(&b, "v{%s|%q|%v}", v.Chain, v.Encoder, v.Keyint)
	}
	for _, a := range o.Audio {
		fmt.Fprintf(&b, "a{%s|%s|%q|%q}", a.Source, a.Chain, a.Encoder, a.Metadata)
	}
	if o.Kind == captureOutput {
		b.WriteString("capture:" + o.Tmp)
	}
	return b.String()
}

// command is one ffmpeg run and the encodes it performs.
type command struct {
	Args    []string
	Encodes []*encodePlan
}

// commands splits the plan into ffmpeg runs: one for the whole job, or one
// per encode with StrategyProcessPerOutput.
func (p *jobPlan) commands(strategy Strategy) []command {
	if strategy == StrategyProcessPerOutput {
		out := make([]command, len(p.Encodes))
		for i, e := range p.Encodes {
			out[i] = command{Args: p.args([]*encodePlan{e}), Encodes: []*encodePlan{e}}
		}
		return out
	}
	return []command{{Args: p.args(p.Encodes), Encodes: p.Encodes}}
}

// args builds one ffmpeg command line: the input once, one filter graph
// decoding it once and splitting the picture and sound to every encode,
// and the encodes with their muxers.
func (p *jobPlan) args(encodes []*encodePlan) []string {
	// -xerror: a decoding error ends the run (the job fails with 1076)
	// rather than concealed pictures reaching the outputs.
	a := []string{"-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-xerror", "-noautorotate"}
	if p.ClipStart > 0 {
		a = append(a, "-ss", fmtFloat(p.ClipStart))
	}
	if p.ClipEnd > 0 {
		a = append(a, "-t", fmtFloat(p.Duration))
	}
	a = append(a, "-i", p.InputPath)
	graph, videoPads, audioPads := p.filterGraph(encodes)
	a = append(a, "-filter_complex", graph)
	for i, e := range encodes {
		a = append(a, e.args(videoPads[i], audioPads[i])...)
	}
	return a
}

// filterGraph returns the graph and, per encode, its video pad and audio
// pads. The input picture is decoded once and split once per distinct
// video chain (scaling, padding...); a chain that feeds several encodes
// (different encoder settings of one size) runs once and is split after.
// Sound is split the same way per input audio source.
func (p *jobPlan) filterGraph(encodes []*encodePlan) (string, []string, [][]string) {
	var parts []string
	videoPads := make([]string, len(encodes))
	audioPads := make([][]string, len(encodes))

	video := newFanout("v")
	for i, e := range encodes {
		if e.Video != nil {
			video.use("[0:v:0]", e.Video.Chain, i)
		}
	}
	if len(video.chains) > 0 {
		head := "[0:v:0]"
		if len(p.Rotation) > 0 {
			head += strings.Join(p.Rotation, ",") + ","
		}
		parts = append(parts, video.graph(head, "split")...)
		for i, pads := range video.pads {
			videoPads[i] = pads[0]
		}
	}

	audio := newFanout("a")
	for i, e := range encodes {
		for _, ap := range e.Audio {
			audio.use(ap.Source, ap.Chain, i)
		}
	}
	parts = append(parts, audio.graph("", "asplit")...)
	for i, pads := range audio.pads {
		audioPads[i] = pads
	}
	return strings.Join(parts, ";"), videoPads, audioPads
}

// fanout builds the split/chain/split part of a graph for one media type.
type fanout struct {
	prefix  string
	sources []string          // distinct sources, in order of first use
	chains  []fanChain        // distinct (source, chain), in order of first use
	index   map[[2]string]int // (source, chain) -> chains index
	pads    map[int][]string  // encode -> its pads, in use order
	users   map[int][]int     // chain -> encodes using it, one per use
}

type fanChain struct{ source, chain string }

func newFanout(prefix string) *fanout {
	return &fanout{prefix: prefix, index: map[[2]string]int{}, pads: map[int][]string{}, users: map[int][]int{}}
}

func (f *fanout) use(source, chain string, encode int) {
	k := [2]string{source, chain}
	n, ok := f.index[k]
	if !ok {
		n = len(f.chains)
		f.index[k] = n
		f.chains = append(f.chains, fanChain{source, chain})
		if source != "" && !slices.Contains(f.sources, source) {
			f.sources = append(f.sources, source)
		}
	}
	f.pads[encode] = append(f.pads[encode], fmt.Sprintf("[%s%d_%d]", f.prefix, n, len(f.users[n])))
	f.users[n] = append(f.users[n], encode)
}

// graph writes: each source (head replaces a source's own label when
// set) split to its chains, each chain split to its uses. A chain with
// no source (generated silence) starts from its own source filter.
func (f *fanout) graph(head, split string) []string {
	var parts []string
	chainIn := make([]string, len(f.chains))
	for _, src := range f.sources {
		var mine []int
		for n, c := range f.chains {
			if c.source == src {
				mine = append(mine, n)
			}
		}
		from := src
		if head != "" {
			from = head
		}
		if len(mine) == 1 {
			chainIn[mine[0]] = from
			continue
		}
		s := fmt.Sprintf("%s%s=%d", strings.TrimSuffix(from, ","), split, len(mine))
		if strings.HasSuffix(from, ",") {
			s = fmt.Sprintf("%s%s=%d", from, split, len(mine))
		}
		for _, n := range mine {
			s += fmt.Sprintf("[%ss%d]", f.prefix, n)
			chainIn[n] = fmt.Sprintf("[%ss%d]", f.prefix, n)
		}
		parts = append(parts, s)
	}
	for n, c := range f.chains {
		k := len(f.users[n])
		s := chainIn[n] + c.chain
		if k == 1 {
			parts = append(parts, fmt.Sprintf("%s[%s%d_0]", s, f.prefix, n))
			continue
		}
		s += fmt.Sprintf(",%s=%d", split, k)
		for u := range k {
			s += fmt.Sprintf("[%s%d_%d]", f.prefix, n, u)
		}
		parts = append(parts, s)
	}
	return parts
}

// args are one encode's maps, encoder options and muxer(s).
func (e *encodePlan) args(videoPad string, audioPads []string) []string {
	var a []string
	if videoPad != "" {
		a = append(a, "-map", videoPad)
	}
	for _, pad := range audioPads {
		a = append(a, "-map", pad)
	}
	first := e.Outputs[0]
	if first.Kind == captureOutput {
		a = append(a, "-c:v", "mjpeg", "-q:v", strconv.Itoa(jpegQuality(first.Capture.Quality)),
			"-pix_fmt", "yuvj420p", "-fps_mode", "passthrough")
		if first.Capture.MaxCaptures > 0 {
			a = append(a, "-frames:v", strconv.Itoa(first.Capture.MaxCaptures))
		}
		return append(a, "-f", "image2", "-start_number", "0", first.Tmp)
	}
	if v := e.Video; v != nil {
		a = append(a, v.Encoder...)
		if v.Codec == "H_265" && e.hasMuxer("mp4", "mov") {
			a = append(a, "-tag:v", v.Tag)
		}
	}
	for i, ap := range e.Audio {
		for j, opt := range ap.Encoder {
			if j%2 == 0 {
				opt = strings.Replace(opt, ":a", fmt.Sprintf(":a:%d", i), 1)
			}
			a = append(a, opt)
		}
		for _, m := range ap.Metadata {
			a = append(a, fmt.Sprintf("-metadata:s:a:%d", i), m)
		}
	}
	if len(e.Outputs) == 1 {
		o := e.Outputs[0]
		a = append(a, "-f", o.Format)
		for _, kv := range o.muxOptions() {
			a = append(a, "-"+kv[0], kv[1])
		}
		return append(a, o.Tmp)
	}
	// One encode, several containers: the encoders must put codec headers
	// in extradata, as the tee muxer cannot ask for it per container.
	if e.Video != nil {
		a = append(a, "-flags:v", "+global_header")
	}
	if len(e.Audio) > 0 {
		a = append(a, "-flags:a", "+global_header")
	}
	sinks := make([]string, len(e.Outputs))
	for i, o := range e.Outputs {
		opts := []string{"f=" + o.Format, "onfail=abort"}
		for _, kv := range o.muxOptions() {
			opts = append(opts, kv[0]+"="+teeEscape(kv[1]))
		}
		sinks[i] = "[" + strings.Join(opts, ":") + "]" + o.Tmp
	}
	return append(a, "-f", "tee", strings.Join(sinks, "|"))
}

func (e *encodePlan) hasMuxer(formats ...string) bool {
	for _, o := range e.Outputs {
		for _, f := range formats {
			if o.Format == f {
				return true
			}
		}
	}
	return false
}

// muxOptions are the output's muxer options, HLS segmenting included.
func (o *outputPlan) muxOptions() [][2]string {
	if o.Kind != hlsOutput {
		return o.Mux
	}
	h := o.Group.HLS
	stem := strings.TrimSuffix(o.Tmp, ".m3u8")
	opts := [][2]string{
		{"hls_time", strconv.Itoa(segmentLength(h))},
		{"hls_playlist_type", "vod"},
		{"hls_list_size", "0"},
		{"start_number", "1"},
	}
	if o.Single {
		opts = append(opts, [2]string{"hls_flags", "single_file"}, [2]string{"hls_segment_filename", stem + ".ts"})
	} else {
		opts = append(opts, [2]string{"hls_segment_filename", stem + "_%05d.ts"})
	}
	var ts []string
	for _, kv := range o.Mux {
		ts = append(ts, kv[0]+"="+kv[1])
	}
	if len(ts) > 0 {
		opts = append(opts, [2]string{"hls_ts_options", strings.Join(ts, ":")})
	}
	return opts
}

// teeEscape escapes an option value inside a tee slave's [options]: the
// tee muxer and then the option parser each take one level of '\'.
func teeEscape(v string) string {
	r := strings.NewReplacer(`\`, `\\\\`, `:`, `\\:`, `=`, `\\=`, `|`, `\\|`, `[`, `\\[`, `]`, `\\]`)
	return r.Replace(v)
}
