package builtin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/internal/media/videoworkflow"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/processors/worker"
)

// The reference video workflow's three Lambdas as built-in functions
// (internal/media/videoworkflow does the work): each is a function,
// reached by a Task whose Resource is a Lambda ARN naming a function
// defined with "Implementation": "builtin:<Name>", taking and answering
// the Lambda's JSON; and an MIE operator (see each Start). A function
// learns its jobs table and topic from its definition's Environment,
// JOBS_TABLE and SNS_TOPIC_ARN, as the Lambdas do.

// MediaFunctionNames are the built-in functions, all Sync operators too.
var MediaFunctionNames = []string{"MediaMetadata", "MediaQualityControl", "MediaPublish"}

// Errors of the media functions, as Step Functions reports a Lambda
// function's (errorType), with Lambda's error document as the Cause.
const (
	ErrNoSuchKey     = "NoSuchKey"         // the object named does not exist
	ErrNotMedia      = "NotMediaError"     // the object is not media
	ErrInvalidInput  = "InvalidInputError" // the input lacks a field, or the Environment a variable
	ErrNotConfigured = "Mie.NotConfigured" // no table or notification backend in this worker
	ErrFunction      = "Exception"         // anything else
)

// MediaFunctionsConfig configures the media functions.
type MediaFunctionsConfig struct {
	// Store holds the sources and the outputs. Required.
	Store objectstore.Store
	// WorkDir holds downloaded objects; default os.TempDir().
	WorkDir string
	// Table writes the jobs table's rows, Notifier publishes to the
	// topic; either may be nil where this process has no backend (rows and
	// notifications are then skipped by MediaMetadata and
	// MediaQualityControl, and MediaPublish fails with ErrNotConfigured).
	Table    videoworkflow.TableUpdater
	Notifier videoworkflow.Notifier
	Logger   *slog.Logger
}

// MediaFunctions returns the built-in functions by name. Without ffmpeg
// they still exist, and fail every call with ErrFfmpegNotInstalled.
func MediaFunctions(cfg MediaFunctionsConfig) (map[string]Builtin, error) {
	if cfg.Store == nil {
		return nil, errors.New("builtin: MediaFunctionsConfig.Store is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	// The table and topic names come with each invocation (With).
	wc := videoworkflow.Config{Store: cfg.Store, WorkDir: cfg.WorkDir, Table: cfg.Table, Notifier: cfg.Notifier}
	fns, err := videoworkflow.New(wc)
	if err != nil && !errors.Is(err, ffmpeg.ErrNotInstalled) {
		return nil, err
	}
	base := mediaFunction{fns: fns, missing: err, cfg: cfg}
	out := map[string]Builtin{}
	for name, call := range map[string]callFunc{"MediaMetadata": callMetadata, "MediaQualityControl": callQualityControl, "MediaPublish": callPublish} {
		f := base
		f.name, f.call = name, call
		out[name] = Builtin{Name: name, Type: TypeSync, Handler: &f}
	}
	return out, nil
}

// callFunc runs one function on its JSON input with the functions bound
// to the invocation's table and topic.
type callFunc func(ctx context.Context, f *mediaFunction, fns *videoworkflow.Functions, payload []byte) (any, error)

type mediaFunction struct {
	name    string
	fns     *videoworkflow.Functions
	missing error
	cfg     MediaFunctionsConfig
	call    callFunc
}

var _ worker.Function = (*mediaFunction)(nil)

// Invoke implements worker.Function: the Lambda's input in, its answer out.
func (f *mediaFunction) Invoke(ctx context.Context, t *worker.Task) (worker.Result, error) {
	if f.fns == nil {
		return f.failure(f.missing), nil
	}
	env := worker.Environment(ctx)
	fns := f.fns.With(env["JOBS_TABLE"], env["SNS_TOPIC_ARN"])
	payload := []byte(t.Payload)
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	out, err := f.call(ctx, f, fns, payload)
	if err != nil {
		return f.failure(err), nil
	}
	return worker.Returned(out), nil
}

// Start implements worker.Handler: the MIE operator form (operator.go).
func (f *mediaFunction) Start(ctx context.Context, t *worker.Task) (worker.Result, error) {
	if t.IsFunctionCall() {
		return f.Invoke(ctx, t)
	}
	if f.fns == nil {
		return f.failure(f.missing), nil
	}
	return f.operator(ctx, t)
}

// failure is a failed invocation: the error's kind, and Lambda's error
// document.
func (f *mediaFunction) failure(err error) worker.Result {
	name := ErrFunction
	switch {
	case errors.Is(err, ffmpeg.ErrNotInstalled):
		name = ErrFfmpegNotInstalled
	case errors.Is(err, errNotConfigured):
		name = ErrNotConfigured
	case errors.Is(err, problem.ErrNotFound):
		name = ErrNoSuchKey
	case errors.Is(err, probe.ErrNotMedia):
		name = ErrNotMedia
	case errors.Is(err, problem.ErrInvalid):
		name = ErrInvalidInput
	}
	doc, _ := json.Marshal(map[string]string{"errorType": name, "errorMessage": f.name + ": " + err.Error()})
	return worker.Failed(name, string(doc))
}

var errNotConfigured = errors.New("not configured")

// decode reads a function's JSON input.
func decode(payload []byte, v any) error {
	if err := json.Unmarshal(payload, v); err != nil {
		return problem.Invalid("input", "%v", err)
	}
	return nil
}

func callMetadata(ctx context.Context, f *mediaFunction, fns *videoworkflow.Functions, payload []byte) (any, error) {
	var in videoworkflow.MetadataInput
	if err := decode(payload, &in); err != nil {
		return nil, err
	}
	f.warnNoTable(fns, in.JobID)
	return fns.MediaMetadata(ctx, in)
}

func callQualityControl(ctx context.Context, f *mediaFunction, fns *videoworkflow.Functions, payload []byte) (any, error) {
	var in videoworkflow.QualityControlInput
	if err := decode(payload, &in); err != nil {
		return nil, err
	}
	f.warnNoTable(fns, in.JobID)
	return fns.MediaQualityControl(ctx, in)
}

func callPublish(ctx context.Context, f *mediaFunction, fns *videoworkflow.Functions, payload []byte) (any, error) {
	var in videoworkflow.PublishInput
	if err := decode(payload, &in); err != nil {
		return nil, err
	}
	if f.cfg.Table == nil || f.cfg.Notifier == nil {
		return nil, fmt.Errorf("%w: this worker has no jobs table or notification backend wired (DynamoDB-style tables, SNS topics)", errNotConfigured)
	}
	for name, v := range map[string]string{"JOBS_TABLE": fns.JobsTable(), "SNS_TOPIC_ARN": fns.TopicArn()} {
		if v == "" {
			return nil, problem.Invalid("Environment", "%s is not set: define the function with \"Environment\": {\"Variables\": {\"%s\": ...}}", name, name)
		}
	}
	return fns.MediaPublish(ctx, in)
}

// warnNoTable says when a row the Lambda would write is not written.
func (f *mediaFunction) warnNoTable(fns *videoworkflow.Functions, jobID string) {
	if f.cfg.Table == nil && fns.JobsTable() != "" {
		f.cfg.Logger.Warn("no jobs table backend in this worker: the row is not written", "function", f.name,
			"table", fns.JobsTable(), "job", jobID)
	}
}
