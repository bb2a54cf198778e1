// Package commands is the engine's front door: it validates what a client
// asks for, compiles the workflow, and writes commands to the commands topic;
// reads come from a projection.
package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"maps"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/workflow"
	"github.com/mie-kafka/mie/projections"
)

// Producer name on records written here.
const Producer = "mie-api"

// MediaTypes are the media an execution input may carry.
var MediaTypes = []string{"Video", "Audio", "Image", "Text"}

// Config wires the service.
type Config struct {
	Client      *kgo.Client
	Catalog     topics.Catalog
	Definitions workflow.Definitions
	Projection  projections.Executions
	// Assets, when set, is the data plane: Input.Media creates an asset
	// (its media copied into the data plane, as MIE does) and
	// Input.AssetId runs on that asset's media. Without it the media are
	// used where they are and an AssetId is taken as given.
	Assets Assets
	Logger *slog.Logger
	// VisibleTimeout bounds how long Start waits for the projection to
	// show the new execution; default 30s.
	VisibleTimeout time.Duration
	// OperatorTimeout bounds an operator attempt whose Configuration sets
	// no TimeoutSeconds (the compiled Task's TimeoutSeconds); 0: none.
	OperatorTimeout time.Duration
}

// Validate joins every problem.
func (c Config) Validate() error {
	var errs []error
	if c.Client == nil {
		errs = append(errs, errors.New("commands: Client is required"))
	}
	if c.Definitions == nil {
		errs = append(errs, errors.New("commands: Definitions is required"))
	}
	if c.Projection == nil {
		errs = append(errs, errors.New("commands: Projection is required"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("commands: Logger is required"))
	}
	return errors.Join(errs...)
}

// Assets is the data plane as the front door needs it.
type Assets interface {
	CreateFromMedia(ctx context.Context, media map[string]events.MediaObject) (string, map[string]events.MediaObject, error)
	Media(ctx context.Context, assetID string) (map[string]events.MediaObject, error)
}

// Service starts, cancels and resumes executions.
type Service struct {
	cfg Config

	// stripes serialize starts per asset without a lock per asset.
	stripes [256]sync.Mutex
}

// New validates cfg.
func New(cfg Config) (*Service, error) {
	if cfg.VisibleTimeout == 0 {
		cfg.VisibleTimeout = 30 * time.Second
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Service{cfg: cfg}, nil
}

// StartRequest is MIE's POST /workflow/execution body.
type StartRequest struct {
	Name          string               `json:"Name"`
	Input         *StartInput          `json:"Input"`
	Configuration events.Configuration `json:"Configuration"`
	Trigger       *events.Trigger      `json:"-"`
	// ExecutionId, when set, is the new execution's id (a trigger's
	// deterministic one); empty: a new id.
	ExecutionId string `json:"-"`
}

// StartInput is either Media or an AssetId, and MetaData for the first
// stage's operators (Globals.MetaData). MetaData alone is enough for a
// workflow of MetadataOnly operators, such as IngestWindow (the window's
// fields): the execution then gets an asset id of its own and no media.
type StartInput struct {
	Media    map[string]events.MediaObject `json:"Media"`
	AssetId  string                        `json:"AssetId"`
	MetaData map[string]any                `json:"MetaData,omitempty"`
}

// Validate reports the first bad field of a start request.
func (r StartRequest) Validate() error {
	var errs []error
	if strings.TrimSpace(r.Name) == "" {
		errs = append(errs, problem.Invalid("Name", "is required"))
	}
	switch {
	case r.Input == nil:
		errs = append(errs, problem.Invalid("Input", "is required: {\"Media\": {...}} or {\"AssetId\": \"...\"}"))
	case len(r.Input.Media) > 0 && r.Input.AssetId != "":
		errs = append(errs, problem.Invalid("Input", "give Media or AssetId, not both"))
	case len(r.Input.Media) == 0 && r.Input.AssetId == "" && len(r.Input.MetaData) == 0:
		errs = append(errs, problem.Invalid("Input", "needs Media, AssetId or MetaData"))
	}
	if r.Input != nil {
		types := make([]string, 0, len(r.Input.Media))
		for t := range r.Input.Media {
			types = append(types, t)
		}
		sort.Strings(types)
		for _, t := range types {
			m := r.Input.Media[t]
			if !contains(MediaTypes, t) {
				errs = append(errs, problem.Invalid("Input.Media."+t, "unknown media type; want one of %s", strings.Join(MediaTypes, ", ")))
				continue
			}
			if m.S3Bucket == "" {
				errs = append(errs, problem.Invalid("Input.Media."+t+".S3Bucket", "is required"))
			}
			if m.S3Key == "" {
				errs = append(errs, problem.Invalid("Input.Media."+t+".S3Key", "is required"))
			}
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// Start queues a new execution and returns it as soon as the projection
// shows it, so that a read right after never misses it.
func (s *Service) Start(ctx context.Context, req StartRequest) (*view.Execution, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	compiled, err := workflow.Compile(s.cfg.Definitions, req.Name, req.Configuration, s.cfg.Catalog)
	if err != nil {
		return nil, err
	}
	id := req.ExecutionId
	if id == "" {
		id = events.NewID()
	}
	assetID, media, err := s.asset(ctx, req.Input)
	if err != nil {
		return nil, err
	}
	trigger := events.Trigger{Source: "api"}
	if req.Trigger != nil {
		trigger = *req.Trigger
	}
	cmd, err := compiled.Start(id, assetID, events.Globals{Media: media, MetaData: maps.Clone(req.Input.MetaData)},
		req.Configuration, trigger, time.Now().UTC(), s.cfg.OperatorTimeout)
	if err != nil {
		return nil, problem.Invalid("Input", "%v", err)
	}

	// One start per asset at a time in this process, so that the active
	// check and the start cannot interleave.
	lock := s.assetLock(assetID)
	lock.Lock()
	defer lock.Unlock()
	if active, ok, err := s.cfg.Projection.ActiveExecution(ctx, assetID); err != nil {
		return nil, err
	} else if ok {
		return nil, problem.Conflict("asset %s already has an active execution %s", assetID, active)
	}
	if err := s.send(ctx, id, cmd); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, s.cfg.VisibleTimeout)
	defer cancel()
	if err := s.cfg.Projection.WaitExecution(wctx, id); err != nil {
		// The command is in the log and will run: answer with the record
		// it will have, never with an error that invites a duplicate retry.
		s.cfg.Logger.Warn("execution accepted but not projected yet; is an executor running?", "execution", id, "err", err)
		return view.QueuedOf(cmd), nil
	}
	return s.cfg.Projection.Execution(ctx, id)
}

// asset resolves the execution's asset and the media it runs on.
func (s *Service) asset(ctx context.Context, in *StartInput) (string, map[string]events.MediaObject, error) {
	switch {
	case in.AssetId == "" && len(in.Media) == 0:
		// MetaData only: no media, so no asset to create.
		return events.NewID(), map[string]events.MediaObject{}, nil
	case s.cfg.Assets == nil && in.AssetId != "":
		return in.AssetId, map[string]events.MediaObject{}, nil
	case s.cfg.Assets == nil:
		return events.NewID(), in.Media, nil
	case in.AssetId != "":
		media, err := s.cfg.Assets.Media(ctx, in.AssetId)
		if err != nil {
			return "", nil, fmt.Errorf("Input.AssetId: %w", err)
		}
		return in.AssetId, media, nil
	}
	return s.cfg.Assets.CreateFromMedia(ctx, in.Media)
}

// Execution reads one execution from the projection.
func (s *Service) Execution(ctx context.Context, id string) (*view.Execution, error) {
	return s.cfg.Projection.Execution(ctx, id)
}

// Executions lists executions from the projection, newest first.
func (s *Service) Executions(ctx context.Context, f view.Filter) ([]*view.Execution, error) {
	return s.cfg.Projection.Executions(ctx, f)
}

// History returns the ordered events of one execution.
func (s *Service) History(ctx context.Context, id string) ([]events.Envelope, error) {
	return s.cfg.Projection.History(ctx, id)
}

// Cancel stops an active execution and frees its slot.
func (s *Service) Cancel(ctx context.Context, id, reason string) (*view.Execution, error) {
	x, err := s.cfg.Projection.Execution(ctx, id)
	if err != nil {
		return nil, err
	}
	if x.Terminal() {
		return nil, problem.Conflict("execution %s has already ended with status %s", id, x.Status)
	}
	if reason == "" {
		reason = "cancelled through the API"
	}
	if err := s.send(ctx, id, &events.CancelExecution{ExecutionId: id, Reason: reason}); err != nil {
		return nil, err
	}
	return s.awaitChange(ctx, id, x.Version)
}

// Resume resumes an execution Waiting at stage.
func (s *Service) Resume(ctx context.Context, id, stage string) (*view.Execution, error) {
	if stage == "" {
		return nil, problem.Invalid("WaitingStageName", "is required")
	}
	x, err := s.cfg.Projection.Execution(ctx, id)
	if err != nil {
		return nil, err
	}
	if x.Status != view.StatusWaiting {
		return nil, problem.Conflict("execution %s is %s, not Waiting", id, x.Status)
	}
	if x.WaitingStage != stage {
		return nil, problem.Conflict("execution %s is waiting at stage %q, not %q", id, x.WaitingStage, stage)
	}
	if x.Run == nil {
		if err := s.send(ctx, id, &events.ResumeExecution{ExecutionId: id, WaitingStageName: stage}); err != nil {
			return nil, err
		}
		return s.awaitChange(ctx, id, x.Version)
	}
	if err := s.answerWaits(ctx, id, stage); err != nil {
		return nil, err
	}
	return s.awaitChange(ctx, id, x.Version)
}

// answerWaits resumes the Wait operators of stage: their tasks wait for
// their tokens, which the execution's history holds (TaskScheduled).
func (s *Service) answerWaits(ctx context.Context, id, stage string) error {
	h, err := s.cfg.Projection.History(ctx, id)
	if err != nil {
		return err
	}
	waiting := map[int32]*events.TaskScheduled{}
	for i := range h {
		p, err := h[i].Decode()
		if err != nil {
			continue
		}
		switch e := p.(type) {
		case *events.TaskScheduled:
			if e.Token != "" && strings.HasPrefix(e.Resource, workflow.OperatorResource+workflow.WaitImplementation) &&
				strings.HasPrefix(e.State, stage+":") {
				waiting[e.Run] = e
			}
		case *events.StateExited:
			delete(waiting, e.Run)
		case *events.StateFailed:
			delete(waiting, e.Run)
		case *events.StateCaught:
			delete(waiting, e.Run)
		}
	}
	if len(waiting) == 0 {
		return problem.Conflict("execution %s has no operator waiting at stage %q", id, stage)
	}
	for _, t := range waiting {
		op := strings.TrimPrefix(t.State, stage+":")
		out, _ := json.Marshal(map[string]any{"Name": op, "Status": events.ResultComplete,
			"Media": map[string]any{}, "MetaData": map[string]any{}})
		if err := s.send(ctx, id, &events.TaskTokenAnswered{ExecutionId: id, Token: t.Token,
			Outcome: events.TokenSuccess, Output: out}); err != nil {
			return err
		}
	}
	return nil
}

// awaitChange returns the execution once the projection shows an event
// after version (bounded wait; the command is accepted either way).
func (s *Service) awaitChange(ctx context.Context, id string, version int64) (*view.Execution, error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		x, err := s.cfg.Projection.Execution(ctx, id)
		if err != nil || x.Version > version || time.Now().After(deadline) {
			return x, err
		}
		select {
		case <-ctx.Done():
			return x, nil
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Send writes one command for execution id to the commands topic (the
// Step Functions API's commands go this way too).
func (s *Service) Send(ctx context.Context, id string, p events.Payload) error {
	return s.send(ctx, id, p)
}

func (s *Service) send(ctx context.Context, id string, p events.Payload) error {
	env, err := events.New(id, Producer, p)
	if err != nil {
		return err
	}
	env.CorrelationID = id
	rec, err := env.Record(s.cfg.Catalog.Commands())
	if err != nil {
		return err
	}
	if err := s.cfg.Client.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return fmt.Errorf("%w: write %s: %v", problem.ErrUnavailable, p.EventType(), err)
	}
	return nil
}

func (s *Service) assetLock(id string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return &s.stripes[h.Sum32()%uint32(len(s.stripes))]
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
