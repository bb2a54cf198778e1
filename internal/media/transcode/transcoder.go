package transcode

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/objectstore"
)

// Strategy says how a job's outputs map to ffmpeg processes.
type Strategy string

const (
	// StrategyOneProcess (the default) runs one ffmpeg per job: the input
	// is decoded once and the filter graph splits it to every output;
	// outputs that encode identically (the same rung in an MP4 and an HLS
	// group) share one encode, muxed to each container.
	StrategyOneProcess Strategy = "one-process"
	// StrategyNoSharing is one ffmpeg with one decode, but one encode per
	// output.
	StrategyNoSharing Strategy = "one-process-no-sharing"
	// StrategyProcessPerOutput runs one ffmpeg per output (concurrently),
	// each decoding the input itself: the naive mapping, kept to measure
	// against.
	StrategyProcessPerOutput Strategy = "process-per-output"
)

// Config configures a Transcoder.
type Config struct {
	// Store resolves s3://bucket/key inputs and destinations. Required.
	Store objectstore.Store
	// WorkDir holds each job's staged input and outputs until they are
	// uploaded; default os.TempDir(). It needs room for the input and all
	// outputs of a job.
	WorkDir string
	// Region and Account build the Job's ARNs; defaults "us-east-1" and
	// "000000000000".
	Region, Account string
	// Presets maps QualityTuningLevel to an x264/x265 preset; defaults
	// SINGLE_PASS veryfast, SINGLE_PASS_HQ medium, MULTI_PASS_HQ slow.
	Presets map[string]string
	// Strategy defaults to StrategyOneProcess.
	Strategy Strategy
	// Logger receives one line per job end; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Validate reports every problem with the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("transcode: Config.Store is required"))
	}
	switch c.Strategy {
	case "", StrategyOneProcess, StrategyNoSharing, StrategyProcessPerOutput:
	default:
		errs = append(errs, fmt.Errorf("transcode: unknown Strategy %q", c.Strategy))
	}
	for level := range c.Presets {
		if _, ok := defaultPresets[level]; !ok {
			errs = append(errs, fmt.Errorf("transcode: Presets: %q is not a QualityTuningLevel", level))
		}
	}
	if c.WorkDir != "" {
		if st, err := os.Stat(c.WorkDir); err != nil || !st.IsDir() {
			errs = append(errs, fmt.Errorf("transcode: WorkDir %q is not a directory", c.WorkDir))
		}
	}
	return errors.Join(errs...)
}

func (c *Config) defaults() {
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.Account == "" {
		c.Account = "000000000000"
	}
	if c.Strategy == "" {
		c.Strategy = StrategyOneProcess
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Transcoder runs MediaConvert jobs on ffmpeg.
type Transcoder struct {
	cfg      Config
	tools    ffmpeg.Tools
	encoders map[string]bool
}

// New checks the configuration and finds ffmpeg; a missing ffmpeg fails
// with ffmpeg.ErrNotInstalled.
func New(cfg Config) (*Transcoder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.defaults()
	tools, err := ffmpeg.Find()
	if err != nil {
		return nil, fmt.Errorf("transcode: %w", err)
	}
	encoders, err := listEncoders(tools)
	if err != nil {
		return nil, fmt.Errorf("transcode: listing ffmpeg's encoders: %w", err)
	}
	return &Transcoder{cfg: cfg, tools: tools, encoders: encoders}, nil
}

// listEncoders asks ffmpeg which encoders it was built with.
func listEncoders(tools ffmpeg.Tools) (map[string]bool, error) {
	out, err := tools.Output(context.Background(), "-hide_banner", "-encoders")
	if err != nil {
		return nil, err
	}
	enc := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && len(f[0]) == 6 && (f[0][0] == 'V' || f[0][0] == 'A') {
			enc[f[1]] = true
		}
	}
	return enc, nil
}

// requiredEncoders checks that this ffmpeg can encode every codec the
// request asks for.
func (t *Transcoder) requiredEncoders(req *CreateJobRequest) error {
	need := map[string]string{"H_264": "libx264", "H_265": "libx265", "FRAME_CAPTURE": "mjpeg", "AAC": "aac"}
	var probs []Problem
	for g, og := range req.Settings.OutputGroups {
		for o, out := range og.Outputs {
			p := fmt.Sprintf("Settings.OutputGroups[%d].Outputs[%d]", g, o)
			if v := out.VideoDescription; v != nil && v.CodecSettings != nil {
				if enc := need[v.CodecSettings.Codec]; enc != "" && !t.encoders[enc] {
					probs = append(probs, Problem{p + ".VideoDescription.CodecSettings.Codec",
						fmt.Sprintf("%s is not supported: this ffmpeg has no %s encoder", v.CodecSettings.Codec, enc)})
				}
			}
			for i, a := range out.AudioDescriptions {
				if a.CodecSettings != nil && !t.encoders[need[a.CodecSettings.Codec]] {
					probs = append(probs, Problem{fmt.Sprintf("%s.AudioDescriptions[%d].CodecSettings.Codec", p, i),
						fmt.Sprintf("%s is not supported: this ffmpeg has no %s encoder", a.CodecSettings.Codec, need[a.CodecSettings.Codec])})
				}
			}
		}
	}
	if len(probs) > 0 {
		return &ValidationError{Problems: probs}
	}
	return nil
}

// newJob is the SUBMITTED Job for a request.
func (t *Transcoder) newJob(req *CreateJobRequest) *Job {
	now := t.cfg.Now().UTC()
	id := newJobID(now)
	settings := req.settingsJSON
	if settings == nil {
		settings, _ = json.Marshal(req.Settings)
	}
	queue := req.Queue
	if queue == "" {
		queue = "Default"
	}
	if !strings.HasPrefix(queue, "arn:") {
		queue = fmt.Sprintf("arn:aws:mediaconvert:%s:%s:queues/%s", t.cfg.Region, t.cfg.Account, queue)
	}
	interval := req.StatusUpdateInterval
	if interval == "" {
		interval = "SECONDS_60"
	}
	priority := 0
	if req.Priority != nil {
		priority = *req.Priority
	}
	return &Job{
		AccelerationSettings: req.AccelerationSettings, AccelerationStatus: "NOT_APPLICABLE",
		Arn:               fmt.Sprintf("arn:aws:mediaconvert:%s:%s:jobs/%s", t.cfg.Region, t.cfg.Account, id),
		BillingTagsSource: req.BillingTagsSource, ClientRequestToken: req.ClientRequestToken,
		CreatedAt: Timestamp{now}, HopDestinations: req.HopDestinations, Id: id,
		JobEngineVersion: req.JobEngineVersion, Priority: priority, Queue: queue, Role: req.Role,
		Settings: settings, SimulateReservedQueue: req.SimulateReservedQueue, Status: StatusSubmitted,
		StatusUpdateInterval: interval, Timing: Timing{SubmitTime: NewTimestamp(now)}, UserMetadata: req.UserMetadata,
	}
}
