package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/processors/worker/gpu"
)

// Names of the built-in workflow, its stages and operators.
const (
	Workflow        = "IngestWindow"
	PrepareStage    = "PrepareWindow"
	EnrichStage     = "EnrichWindow"
	PrepareOperator = "IngestWindowPrepare"
	EnrichOperator  = "IngestWindowEnrich"
	// ResultKey is the MetaData key holding the window's answer.
	ResultKey = "IngestWindow"
)

// Structured log steps (slog key "step"). The GPU pool logs its own
// (gpu.Step*).
const (
	StepInvoked               = "invoked"
	StepAlreadyProcessed      = "already_processed"
	StepFramesLoaded          = "frames_loaded"
	StepNoFrames              = "no_frames"
	StepAudioLoaded           = "audio_loaded"
	StepTranscriptionComplete = "transcription_complete"
	StepSegmentCreated        = "segment_created"
	StepSegmentRetrying       = "segment_retrying"
	StepGPUUnavailableRaised  = gpu.StepUnavailableRaised
	StepCaptionGenerated      = "caption_generated"
	StepNERComplete           = "ner_complete"
	StepTriplesExtracted      = "triples_extracted"
	StepEmbeddingStored       = "embedding_stored"
	StepEmbeddingFailed       = "embedding_failed"
	StepCompleted             = "completed"
	StepRetryScheduled        = gpu.StepRetryScheduled
	StepRetryExhausted        = gpu.StepRetryExhausted
)

// Defaults applied by New.
const (
	DefaultBucket        = "media"
	DefaultDefer         = 900 * time.Second
	DefaultErrorDefer    = time.Minute
	DefaultMaxDeliveries = 5
	DefaultCaptionFrames = 4
	DefaultEmbedFrames   = 8
	DefaultSyncTimeout   = 30 * time.Second
)

// Segments is what the operators read of the segment projection.
type Segments interface {
	// Sync waits until every transition committed so far is visible.
	Sync(ctx context.Context) error
	Segment(ctx context.Context, id string) (*view.Segment, error)
}

// Pool is the GPU pool (processors/worker/gpu.Pool).
type Pool interface {
	Check(ctx context.Context) gpu.Availability
	TryStart(ctx context.Context)
}

// Config configures the operators.
type Config struct {
	// Store holds the sessions' frames and audio (Bucket), and receives
	// the enrichment (entities, triples, embedding) next to them.
	Store  objectstore.Store
	Bucket string
	// Catalog names the segments topic.
	Catalog topics.Catalog
	// Segments is the segment projection, for idempotency.
	Segments Segments
	// Transcriber transcribes audio; nil means none is configured, and a
	// window with audio then fails with a message saying so.
	Transcriber *Transcriber
	// Pool is the GPU pool checked before each GPU dispatch; GPU calls it.
	Pool Pool
	GPU  *GPUClient
	// Defer is the wait before the next delivery while the GPU is down;
	// ErrorDefer the wait after the GPU failed a call. Default 900s, 1m.
	Defer      time.Duration
	ErrorDefer time.Duration
	// MaxDeliveries: a window whose GPU task has been delivered this many
	// times without success fails, and so does its segment. Default 5.
	MaxDeliveries int
	// CaptionFrames and EmbedFrames bound the frames sampled for the
	// caption and the embedding; default 4 and 8.
	CaptionFrames int
	EmbedFrames   int
	// SyncTimeout bounds the wait for the segment projection; default 30s.
	SyncTimeout time.Duration
	Logger      *slog.Logger
}

// Validate joins every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("ingest: Store is required"))
	}
	if c.Bucket != "" {
		if err := objectstore.ValidateBucket(c.Bucket); err != nil {
			errs = append(errs, fmt.Errorf("ingest: %w", err))
		}
	}
	if c.Catalog.Partitions <= 0 {
		errs = append(errs, errors.New("ingest: Catalog is required (topics.New)"))
	}
	if c.Segments == nil {
		errs = append(errs, errors.New("ingest: Segments is required"))
	}
	if c.Pool == nil {
		errs = append(errs, errors.New("ingest: Pool is required"))
	}
	if c.Defer < 0 || c.ErrorDefer < 0 || c.SyncTimeout < 0 {
		errs = append(errs, errors.New("ingest: delays must not be negative"))
	}
	if c.MaxDeliveries < 0 || c.CaptionFrames < 0 || c.EmbedFrames < 0 {
		errs = append(errs, errors.New("ingest: MaxDeliveries, CaptionFrames and EmbedFrames must not be negative"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("ingest: Logger is required"))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.Bucket == "" {
		c.Bucket = DefaultBucket
	}
	if c.GPU == nil {
		c.GPU = &GPUClient{}
	}
	if c.Defer == 0 {
		c.Defer = DefaultDefer
	}
	if c.ErrorDefer == 0 {
		c.ErrorDefer = DefaultErrorDefer
	}
	if c.MaxDeliveries == 0 {
		c.MaxDeliveries = DefaultMaxDeliveries
	}
	if c.CaptionFrames == 0 {
		c.CaptionFrames = DefaultCaptionFrames
	}
	if c.EmbedFrames == 0 {
		c.EmbedFrames = DefaultEmbedFrames
	}
	if c.SyncTimeout == 0 {
		c.SyncTimeout = DefaultSyncTimeout
	}
	return c
}

// Operators holds the two operators' handlers.
type Operators struct {
	cfg Config
	log *slog.Logger
}

// New validates cfg and applies its defaults.
func New(cfg Config) (*Operators, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Operators{cfg: cfg, log: cfg.Logger.With("flow", "ingest_window")}, nil
}

// Prepare is the IngestWindowPrepare handler.
func (o *Operators) Prepare() worker.Handler { return worker.StartFunc(o.prepare) }

// Enrich is the IngestWindowEnrich handler.
func (o *Operators) Enrich() worker.Handler { return worker.StartFunc(o.enrich) }

// current reads the segment once every committed transition is visible;
// nil when there is none.
func (o *Operators) current(ctx context.Context, id string) (*view.Segment, error) {
	sctx, cancel := context.WithTimeout(ctx, o.cfg.SyncTimeout)
	defer cancel()
	if err := o.cfg.Segments.Sync(sctx); err != nil {
		return nil, fmt.Errorf("read segment %s: %w", id, err)
	}
	seg, err := o.cfg.Segments.Segment(ctx, id)
	if errors.Is(err, problem.ErrNotFound) {
		return nil, nil
	}
	return seg, err
}

// move emits one transition of the window's segment in the task's
// transaction; prev is the status it moves from ("" for a new segment).
func (o *Operators) move(ctx context.Context, t *worker.Task, w Window, prev, status string, set func(*events.SegmentStatusChanged)) error {
	e := &events.SegmentStatusChanged{SegmentId: w.SegmentID(), SessionId: w.SessionID, UserId: w.UserID,
		WindowIndex: w.WindowIndex, FrameCount: w.FrameCount, Status: status, Previous: prev,
		WorkflowExecutionId: t.WorkflowExecutionId}
	if set != nil {
		set(e)
	}
	if err := worker.Emit(ctx, o.cfg.Catalog.Segments(), e.SegmentId, e); err != nil {
		return fmt.Errorf("segment %s -> %s: %w", e.SegmentId, status, err)
	}
	return nil
}

// answer is the workflow output: the design's IngestWindowSuccess under
// ResultKey.
func answer(fields map[string]any) worker.Result {
	return worker.Complete(nil, map[string]any{ResultKey: fields})
}

func delivery(t *worker.Task) int { return max(t.Delivery, 1) }

func statusOf(seg *view.Segment) string {
	if seg == nil {
		return ""
	}
	return seg.Status
}
