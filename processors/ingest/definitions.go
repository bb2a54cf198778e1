package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/definitions"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/processors/worker/builtin"
)

// Types are the operators' types by name, for the definitions service's
// check of builtin:<Name> references.
func Types() map[string]string {
	return map[string]string{PrepareOperator: builtin.TypeSync, EnrichOperator: builtin.TypeSync}
}

// Builtins are the operators with their handlers, by name.
func (o *Operators) Builtins() map[string]builtin.Builtin {
	return map[string]builtin.Builtin{
		PrepareOperator: {Name: PrepareOperator, Type: builtin.TypeSync, Handler: o.Prepare()},
		EnrichOperator:  {Name: EnrichOperator, Type: builtin.TypeSync, Handler: o.Enrich()},
	}
}

// Operators' configurations. Both need no input media (MetadataOnly: the
// window rides in Input.MetaData). Prepare retries everything but bad
// input, as MIE's default does; Enrich counts its own deliveries and is
// never retried by the engine.
func operators() []events.Operator {
	return []events.Operator{
		{Name: PrepareOperator, Type: builtin.TypeSync, StartLambdaArn: "builtin:" + PrepareOperator,
			Description: "Ingest window: idempotency, frames, audio and transcription, the pending segment",
			Configuration: map[string]any{"MediaType": "MetadataOnly", "Enabled": true, "Retry": []any{
				map[string]any{"ErrorEquals": []any{ErrInvalidInput}, "MaxAttempts": 0},
				map[string]any{"ErrorEquals": []any{"States.ALL"}, "IntervalSeconds": 2, "MaxAttempts": 2, "BackoffRate": 2},
			}}},
		{Name: EnrichOperator, Type: builtin.TypeSync, StartLambdaArn: "builtin:" + EnrichOperator,
			Description:   "Ingest window: caption, entities, triples and embedding on the GPU pool",
			Configuration: map[string]any{"MediaType": "MetadataOnly", "Enabled": true, "Retry": []any{}}},
	}
}

// Seed defines the operators, stages and workflow unless they exist: it is
// idempotent, and leaves definitions an operator changed alone.
func Seed(ctx context.Context, defs *definitions.Service, log *slog.Logger) error {
	created := 0
	exists := func(err error) (bool, error) {
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, problem.ErrNotFound):
			return false, nil
		}
		return false, err
	}
	made := func(err error) error {
		if err == nil {
			created++
			return nil
		}
		if errors.Is(err, problem.ErrConflict) {
			return nil // another instance seeded it first
		}
		return err
	}
	for _, op := range operators() {
		_, err := defs.Operator(op.Name)
		ok, err := exists(err)
		if err == nil && !ok {
			_, err = defs.CreateOperator(ctx, op)
			err = made(err)
		}
		if err != nil {
			return fmt.Errorf("seed operator %s: %w", op.Name, err)
		}
	}
	for _, st := range []events.Stage{
		{Name: PrepareStage, Operations: []string{PrepareOperator}, Description: "Transcribe a recording window and create its segment"},
		{Name: EnrichStage, Operations: []string{EnrichOperator}, Description: "Enrich a recording window on the GPU pool"},
	} {
		_, err := defs.Stage(st.Name)
		ok, err := exists(err)
		if err == nil && !ok {
			_, err = defs.CreateStage(ctx, st)
			err = made(err)
		}
		if err != nil {
			return fmt.Errorf("seed stage %s: %w", st.Name, err)
		}
	}
	wf := events.Workflow{Name: Workflow, StartAt: PrepareStage, Description: "Process one recording window (docs/ingest-window.md)",
		Stages: map[string]events.WorkflowStage{PrepareStage: {Next: EnrichStage}, EnrichStage: {End: true}}}
	_, err := defs.Workflow(wf.Name)
	ok, err := exists(err)
	if err == nil && !ok {
		_, err = defs.CreateWorkflow(ctx, wf)
		err = made(err)
	}
	if err != nil {
		return fmt.Errorf("seed workflow %s: %w", wf.Name, err)
	}
	if created > 0 {
		log.Info("ingest-window definitions seeded", "workflow", Workflow, "created", created)
	}
	return nil
}
