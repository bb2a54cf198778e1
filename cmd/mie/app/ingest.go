package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/mie-kafka/mie/api/commands"
	"github.com/mie-kafka/mie/internal/cli"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/processors/ingest"
	"github.com/mie-kafka/mie/processors/ingest/reaper"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/builtin"
	"github.com/mie-kafka/mie/processors/worker/gpu"
	"github.com/mie-kafka/mie/projections/memory"
)

// IngestOperators is the --operators name that runs both ingest-window
// workers (IngestWindowPrepare and IngestWindowEnrich).
const IngestOperators = "ingest"

// IngestConfig holds the ingest window's settings: the transcription
// service, the GPU pool and the segment reaper.
type IngestConfig struct {
	Bucket          string
	TranscribeURL   string
	TranscribeModel string
	TranscribeKey   string // from MIE_TRANSCRIBE_API_KEY only
	GPUURL          string
	GPUHealthPath   string
	GPUSSMParameter string
	GPUTag          gpu.Tag
	GPUPort         int
	AWSRegion       string
	AWSEndpoint     string
	GPUDefer        time.Duration
	GPUErrorDefer   time.Duration
	GPUMaxDelivery  int
	// SegmentDeadline: a segment pending this long with no move is re-driven
	// or failed by the reaper; 0 turns the reaper off.
	SegmentDeadline time.Duration
	SegmentRedrives int
	// ReaperInterval is the reaper's sweep period (tests); 0 is its default.
	ReaperInterval time.Duration
}

// The settings of the ingest-window workers (worker, serve); the
// transcription API key comes from MIE_TRANSCRIBE_API_KEY only.
func ingestWorkerFlags(s *cli.Set, c *Config) {
	ic := &c.Ingest
	s.String(&ic.Bucket, "ingest-bucket", "MIE_INGEST_BUCKET", "", "bucket of the sessions' frames and audio (sessions/<id>/window_NNN/...); empty is --bucket")
	s.String(&ic.TranscribeURL, "transcribe-url", "MIE_TRANSCRIBE_URL", "", "OpenAI-compatible transcription endpoint (POST multipart file+model); its API key comes from MIE_TRANSCRIBE_API_KEY")
	s.String(&ic.TranscribeModel, "transcribe-model", "MIE_TRANSCRIBE_MODEL", "whisper-large-v3", "model name sent to the transcription endpoint")
	ic.TranscribeKey, _ = s.LookupEnv("MIE_TRANSCRIBE_API_KEY")
	s.String(&ic.GPUURL, "gpu-url", "MIE_GPU_URL", "", "base URL of a GPU worker at a fixed address (http://host:port)")
	s.String(&ic.GPUHealthPath, "gpu-health-path", "MIE_GPU_HEALTH_PATH", gpu.DefaultHealthPath, "health endpoint of the GPU worker, under its base URL")
	s.String(&ic.GPUSSMParameter, "gpu-ssm-parameter", "MIE_GPU_SSM_PARAMETER", "", "SSM parameter holding the GPU instance id ('none' = no GPU); turns on EC2 discovery")
	cli.Func(s, &ic.GPUTag, "gpu-tag", "MIE_GPU_TAG", gpu.Tag{}, "EC2 tag Key=Value of GPU worker instances, to adopt a running one for a stale id and to find a stopped one to start", gpu.ParseTag)
	s.Int(&ic.GPUPort, "gpu-port", "MIE_GPU_PORT", 8000, "port of the GPU worker on a discovered instance")
	s.String(&ic.AWSRegion, "aws-region", "MIE_AWS_REGION", "", "AWS region of the GPU instances (default: the AWS configuration's)")
	s.String(&ic.AWSEndpoint, "aws-endpoint", "MIE_AWS_ENDPOINT", "", "EC2 and SSM endpoint override (a test fake, LocalStack)")
	s.Duration(&ic.GPUDefer, "gpu-defer", "MIE_GPU_DEFER", 15*time.Minute, "wait before a GPU task is delivered again while the GPU pool is down")
	s.Duration(&ic.GPUErrorDefer, "gpu-error-defer", "MIE_GPU_ERROR_DEFER", time.Minute, "wait before a GPU task is delivered again after the GPU worker failed a call")
	s.Int(&ic.GPUMaxDelivery, "gpu-max-deliveries", "MIE_GPU_MAX_DELIVERIES", 5, "deliveries of a GPU task before it fails and its segment with it")
}

// The settings of the segment reaper (api, serve).
func ingestAPIFlags(s *cli.Set, c *Config) {
	ic := &c.Ingest
	s.Duration(&ic.SegmentDeadline, "segment-deadline", "MIE_SEGMENT_DEADLINE", time.Hour, "a segment pending this long with no transition is re-driven or failed by the reaper; 0 turns it off")
	s.Int(&ic.SegmentRedrives, "segment-redrives", "MIE_SEGMENT_REDRIVES", 2, "re-drives of a stale segment before the reaper fails it")
}

// check reports the problems of the ingest settings; those of a role that
// has none are zero and pass.
func (c IngestConfig) check() error {
	var errs []error
	if c.GPUURL != "" && c.GPUSSMParameter != "" {
		errs = append(errs, errors.New("--gpu-url and --gpu-ssm-parameter: give one, not both"))
	}
	if c.GPUDefer < 0 || c.GPUErrorDefer < 0 || c.SegmentDeadline < 0 {
		errs = append(errs, errors.New("--gpu-defer, --gpu-error-defer and --segment-deadline must not be negative"))
	}
	if c.GPUMaxDelivery < 0 || c.SegmentRedrives < 0 {
		errs = append(errs, errors.New("--gpu-max-deliveries and --segment-redrives must not be negative"))
	}
	// Every deferral is a transition, so a deadline shorter than the
	// deferral would re-drive windows that are only waiting for the GPU.
	if c.SegmentDeadline > 0 && c.GPUDefer > 0 && c.SegmentDeadline <= max(c.GPUDefer, c.GPUErrorDefer) {
		errs = append(errs, fmt.Errorf("--segment-deadline %s must be longer than --gpu-defer %s and --gpu-error-defer %s",
			c.SegmentDeadline, c.GPUDefer, c.GPUErrorDefer))
	}
	return errors.Join(errs...)
}

// operatorNames is --operators with "ingest" expanded.
func (a *App) operatorNames() []string {
	var out []string
	for _, n := range a.cfg.Operators {
		if n == IngestOperators {
			out = append(out, ingest.PrepareOperator, ingest.EnrichOperator)
			continue
		}
		out = append(out, n)
	}
	return out
}

// builtinTypes are the built-in operators' types, the ingest window's
// included, for the definitions service.
func (a *App) builtinTypes() map[string]string {
	out := builtin.Types()
	maps.Copy(out, ingest.Types())
	return out
}

// segments returns the process's segment projection, started on first use
// (the API and the ingest workers share it).
func (a *App) segments(runCtx context.Context) (*memory.Segments, error) {
	a.segmentsOnce.Do(func() {
		a.Segments, a.segmentsErr = memory.NewSegments(memory.SegmentsConfig{Kafka: a.kafka, Catalog: a.cat, Logger: a.log})
		if a.segmentsErr == nil {
			a.run("segments projection", runCtx, a.Segments.Run)
		}
	})
	return a.Segments, a.segmentsErr
}

// workerRegistry is builtin.Registry and the media workers plus, when
// --operators names them, the ingest-window operators with their GPU pool
// and clients.
func (a *App) workerRegistry(runCtx context.Context) (map[string]builtin.Builtin, error) {
	reg := builtin.Registry()
	media, err := a.mediaBuiltins(runCtx)
	if err != nil {
		return nil, err
	}
	maps.Copy(reg, media)
	names := a.operatorNames()
	want := false
	for _, n := range names {
		want = want || n == ingest.PrepareOperator || n == ingest.EnrichOperator
	}
	if !want {
		return reg, nil
	}
	ops, err := a.ingestOperators(runCtx)
	if err != nil {
		return nil, fmt.Errorf("ingest window: %w", err)
	}
	maps.Copy(reg, ops.Builtins())
	return reg, nil
}

// gpuPool is the GPU worker pool of --gpu-url or --gpu-ssm-parameter (down
// when neither is set), shared by the ingest window and the Gate around
// every worker.
func (a *App) gpuPool(ctx context.Context) (*gpu.Pool, error) {
	if a.pool != nil {
		return a.pool, nil
	}
	ic := a.cfg.Ingest
	gc := gpu.Config{URL: ic.GPUURL, HealthPath: ic.GPUHealthPath, SSMParameter: ic.GPUSSMParameter,
		Tag: ic.GPUTag, Port: ic.GPUPort, Logger: a.log}
	if ic.GPUSSMParameter != "" {
		var err error
		gc.EC2, gc.SSM, err = gpu.AWSClients(ctx, ic.AWSRegion, ic.AWSEndpoint)
		if err != nil {
			return nil, err
		}
	}
	pool, err := gpu.New(gc)
	if err != nil {
		return nil, err
	}
	a.pool = pool
	return pool, nil
}

// gated wraps a worker handler so that tasks of operators whose
// Configuration sets RequiresGPU run only while the GPU pool is up.
func (a *App) gated(ctx context.Context, h worker.Handler) (worker.Handler, error) {
	pool, err := a.gpuPool(ctx)
	if err != nil {
		return nil, err
	}
	ic := a.cfg.Ingest
	return gpu.Gate{Pool: pool, Handler: h, Defer: ic.GPUDefer, MaxDeliveries: ic.GPUMaxDelivery, Logger: a.log}, nil
}

func (a *App) ingestOperators(runCtx context.Context) (*ingest.Operators, error) {
	ic := a.cfg.Ingest
	store, err := a.objectStore(runCtx)
	if err != nil {
		return nil, err
	}
	segs, err := a.segments(runCtx)
	if err != nil {
		return nil, err
	}
	pool, err := a.gpuPool(runCtx)
	if err != nil {
		return nil, err
	}
	var tr *ingest.Transcriber
	if ic.TranscribeURL != "" {
		tr = &ingest.Transcriber{URL: ic.TranscribeURL, Model: ic.TranscribeModel, APIKey: ic.TranscribeKey}
	}
	bucket := ic.Bucket
	if bucket == "" {
		bucket = a.cfg.Bucket
	}
	return ingest.New(ingest.Config{Store: store, Bucket: bucket, Catalog: a.cat, Segments: segs, Transcriber: tr,
		Pool: pool, Defer: ic.GPUDefer, ErrorDefer: ic.GPUErrorDefer, MaxDeliveries: ic.GPUMaxDelivery, Logger: a.log})
}

// startIngestAPI runs in the API role once the definitions are synced: it
// waits for the segment projection, seeds the IngestWindow definitions and
// starts the reaper.
func (a *App) startIngestAPI(ctx, runCtx context.Context) error {
	select {
	case <-a.Segments.Ready():
	case <-ctx.Done():
		return fmt.Errorf("memory segments projection did not catch up: %w", ctx.Err())
	}
	if err := ingest.Seed(ctx, a.DefinitionService, a.log); err != nil {
		return err
	}
	ic := a.cfg.Ingest
	if ic.SegmentDeadline <= 0 {
		return nil
	}
	redrives := ic.SegmentRedrives
	if redrives == 0 {
		redrives = -1 // fail at once
	}
	rp, err := reaper.New(reaper.Config{Kafka: a.kafka, Catalog: a.cat, Deadline: ic.SegmentDeadline,
		MaxRedrives: redrives, Interval: ic.ReaperInterval, Redriver: redriver{a}, SessionTimeout: a.cfg.SessionTimeout, Logger: a.log})
	if err != nil {
		return err
	}
	a.run("segment reaper", runCtx, rp.Run)
	return nil
}

// redriver re-drives a window through the commands service.
type redriver struct{ a *App }

func (r redriver) Redrive(ctx context.Context, seg view.Segment) (string, error) {
	if err := r.Abandon(ctx, seg); err != nil {
		return "", err
	}
	w := ingest.Window{SessionID: seg.SessionId, UserID: seg.UserId, WindowIndex: seg.WindowIndex, FrameCount: seg.FrameCount}
	x, err := r.a.Commands.Start(ctx, commands.StartRequest{Name: ingest.Workflow,
		Input: &commands.StartInput{MetaData: w.MetaData()}})
	if err != nil {
		return "", err
	}
	return x.Id, nil
}

func (r redriver) Abandon(ctx context.Context, seg view.Segment) error {
	if seg.WorkflowExecutionId == "" {
		return nil
	}
	_, err := r.a.Commands.Cancel(ctx, seg.WorkflowExecutionId, "segment "+seg.SegmentId+" is stale; the reaper took it over")
	if errors.Is(err, problem.ErrConflict) || errors.Is(err, problem.ErrNotFound) {
		return nil // already ended, or never projected here
	}
	return err
}

// segmentsState is the App's share of the segment projection.
type segmentsState struct {
	// pool is the GPU worker pool, made on first use.
	pool *gpu.Pool

	// Segments is the segment projection (API role, and ingest workers).
	Segments     *memory.Segments
	segmentsOnce sync.Once
	segmentsErr  error
}
