package transcode

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/internal/media/probe"
)

// audioPlan is one audio track of an output.
type audioPlan struct {
	Source   string   // input pads, e.g. "[0:a:1]"; "" for generated silence
	Chain    string   // filters from Source (or the silence source)
	Encoder  []string // encoder options with ":a" stream specifiers
	Metadata []string // stream metadata key=value
	Kbps     int
	Channels int
}

// defaultAudioSelector is the AudioSourceName MediaConvert assumes.
const defaultAudioSelector = "Audio Selector 1"

// channelLayouts are the AAC coding modes as ffmpeg channel layouts.
var channelLayouts = map[string]struct {
	layout   string
	channels int
	bitrate  int // default bitrate
}{
	"CODING_MODE_1_0": {"mono", 1, 64000},
	"CODING_MODE_2_0": {"stereo", 2, 96000},
	"CODING_MODE_5_1": {"5.1", 6, 320000},
}

// planAudio resolves an AudioDescription against the input's selectors and
// streams, as MediaConvert does: the selector AudioSourceName names
// (default "Audio Selector 1"); if the input has no such selector, its
// selector marked DEFAULT; if none, silence for the output's duration.
func planAudio(a *AudioDescription, in *Input, meta *probe.Metadata, duration float64) (*audioPlan, error) {
	s := a.CodecSettings.AacSettings
	mode := s.CodingMode
	if mode == "" {
		mode = "CODING_MODE_2_0"
	}
	tracks, lang, err := selectTracks(a, in, meta)
	if err != nil {
		return nil, err
	}
	if mode == "CODING_MODE_AUTO" {
		mode = autoCodingMode(tracks, meta)
	}
	cl := channelLayouts[mode]
	rate := s.SampleRate
	if rate == 0 {
		rate = 48000
	}
	bitrate := s.Bitrate
	if bitrate == 0 {
		bitrate = cl.bitrate
	}
	p := &audioPlan{Kbps: bitrate / 1000, Channels: cl.channels}
	var chain []string
	switch len(tracks) {
	case 0:
		chain = append(chain, fmt.Sprintf("anullsrc=r=%d:cl=%s", rate, cl.layout),
			"atrim=duration="+fmtFloat(duration))
	case 1:
		p.Source = fmt.Sprintf("[0:a:%d]", tracks[0])
	default:
		for _, t := range tracks {
			p.Source += fmt.Sprintf("[0:a:%d]", t)
		}
		chain = append(chain, fmt.Sprintf("amerge=inputs=%d", len(tracks)))
	}
	if sel, ok := selectorFor(a, in); ok && sel.Offset != nil && *sel.Offset != 0 && len(tracks) > 0 {
		ms := *sel.Offset
		if ms > 0 {
			chain = append(chain, fmt.Sprintf("adelay=%d:all=1", ms))
		} else {
			chain = append(chain, "atrim=start="+fmtFloat(float64(-ms)/1000), "asetpts=PTS-STARTPTS")
		}
	}
	chain = append(chain, fmt.Sprintf("aresample=%d", rate), "aformat=sample_fmts=fltp:channel_layouts="+cl.layout)
	p.Chain = strings.Join(chain, ",")
	p.Encoder = []string{"-c:a", "aac", "-profile:a", "aac_low", "-b:a", strconv.Itoa(bitrate), "-ar:a", strconv.Itoa(rate)}
	if code := outputLanguage(a, lang); code != "" {
		p.Metadata = append(p.Metadata, "language="+code)
	}
	if a.StreamName != "" {
		p.Metadata = append(p.Metadata, "title="+a.StreamName)
	}
	return p, nil
}

// selectorFor finds the selector an AudioDescription uses.
func selectorFor(a *AudioDescription, in *Input) (AudioSelector, bool) {
	name := a.AudioSourceName
	if name == "" {
		name = defaultAudioSelector
	}
	if sel, ok := in.AudioSelectors[name]; ok {
		return sel, true
	}
	for _, n := range sortedMapKeys(in.AudioSelectors) {
		if sel := in.AudioSelectors[n]; sel.DefaultSelection == "DEFAULT" {
			return sel, true
		}
	}
	return AudioSelector{}, false
}

// selectTracks returns the input audio streams (0-based among audio
// streams) an AudioDescription takes, none for silence, and the language
// of the first.
func selectTracks(a *AudioDescription, in *Input, meta *probe.Metadata) ([]int, string, error) {
	sel, ok := selectorFor(a, in)
	if !ok {
		return nil, "", nil
	}
	lang := sel.LanguageCode
	if lang == "" {
		lang = sel.CustomLanguageCode
	}
	switch {
	case len(sel.Tracks) > 0:
		out := make([]int, len(sel.Tracks))
		for i, t := range sel.Tracks {
			if t > len(meta.Audio) {
				return nil, "", jobErrorf(ErrorCodeAudio, nil, "audio selector track %d does not exist: the input has %d audio track(s)", t, len(meta.Audio))
			}
			out[i] = t - 1
		}
		return out, meta.Audio[out[0]].Language, nil
	case sel.SelectorType == "LANGUAGE_CODE" || lang != "":
		for i, s := range meta.Audio {
			if sameLanguage(s.Language, lang) {
				return []int{i}, s.Language, nil
			}
		}
		return nil, "", jobErrorf(ErrorCodeAudio, nil, "no input audio track is in language %q", lang)
	case len(meta.Audio) > 0:
		return []int{0}, meta.Audio[0].Language, nil
	}
	return nil, "", nil
}

// autoCodingMode follows the input's channels: mono, stereo or 5.1 (other
// layouts become stereo).
func autoCodingMode(tracks []int, meta *probe.Metadata) string {
	channels := 0
	for _, t := range tracks {
		channels += meta.Audio[t].Channels
	}
	switch channels {
	case 1:
		return "CODING_MODE_1_0"
	case 6:
		return "CODING_MODE_5_1"
	}
	return "CODING_MODE_2_0"
}

// outputLanguage is the ISO 639-2 code to tag the output track with.
func outputLanguage(a *AudioDescription, input string) string {
	configured := a.CustomLanguageCode
	if a.LanguageCode != "" {
		configured = a.LanguageCode
	}
	if a.LanguageCodeControl == "USE_CONFIGURED" || input == "" || input == "und" {
		return strings.ToLower(configured)
	}
	return strings.ToLower(input)
}

func sameLanguage(a, b string) bool { return a != "" && strings.EqualFold(a, b) }
