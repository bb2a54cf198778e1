package app

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/mie-kafka/mie/api/commands"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/engine/enginebench"
)

// Workloads are what `mie bench --workload` can start.
var Workloads = map[string]Workload{
	"mie": {Describe: "a 3-stage MIE workflow with 2 Passthrough operators per stage", setup: setupMIE},
	"states": {Describe: "a 20-state Pass/Choice state machine (no tasks)",
		setup: runSetup("BenchStates", enginebench.Chain(20), `{}`)},
	"map": {Describe: "a Map of 100 items over a built-in function (builtin:Passthrough through its worker)",
		setup: mapSetup},
}

// Workload is one kind of load.
type Workload struct {
	Describe string
	// setup defines what the workload needs on a running App and returns
	// how to start one execution (its id).
	setup func(ctx context.Context, a *App, concurrency int) (func(context.Context) (string, error), error)
}

func workloadOf(name string) (Workload, error) {
	if name == "" {
		name = "mie"
	}
	w, ok := Workloads[name]
	if !ok {
		return Workload{}, fmt.Errorf("bench: unknown workload %q; want one of %s", name, strings.Join(workloadNames(), ", "))
	}
	return w, nil
}

// workloadList describes the workloads, for --help.
func workloadList() string {
	var parts []string
	for _, n := range workloadNames() {
		parts = append(parts, n+" ("+Workloads[n].Describe+")")
	}
	return strings.Join(parts, "; ")
}

func workloadNames() []string {
	names := make([]string, 0, len(Workloads))
	for n := range Workloads {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// setupMIE defines the MIE workflow; every execution creates an asset of
// one stored object.
func setupMIE(ctx context.Context, a *App, conc int) (func(context.Context) (string, error), error) {
	if err := defineBenchWorkflow(ctx, a, conc); err != nil {
		return nil, err
	}
	media := events.MediaObject{S3Bucket: a.cfg.Bucket, S3Key: "bench/clip.mp4"}
	if _, err := a.store.Put(ctx, media.S3Bucket, media.S3Key, strings.NewReader("bench"), 5, "video/mp4"); err != nil {
		return nil, fmt.Errorf("bench: store the input object: %w", err)
	}
	return func(ctx context.Context) (string, error) {
		x, err := a.Commands.Start(ctx, commands.StartRequest{Name: "BenchWorkflow",
			Input: &commands.StartInput{Media: map[string]events.MediaObject{"Video": media}}})
		if err != nil {
			return "", err
		}
		return x.Id, nil
	}, nil
}

// runSetup starts executions of a state machine definition on input, as
// StartExecution does (the command written, no wait for the projection).
func runSetup(name, def, input string) func(context.Context, *App, int) (func(context.Context) (string, error), error) {
	return func(_ context.Context, a *App, _ int) (func(context.Context) (string, error), error) {
		return func(ctx context.Context) (string, error) {
			x, err := a.Commands.StartRun(ctx, commands.RunRequest{Definition: json.RawMessage(def),
				StateMachine: events.StateMachineRef{Name: name}, Input: json.RawMessage(input), NoWait: true})
			if err != nil {
				return "", err
			}
			return x.Id, nil
		}, nil
	}
}

// mapSetup defines the function the Map's iterations call.
func mapSetup(ctx context.Context, a *App, conc int) (func(context.Context) (string, error), error) {
	if _, err := a.DefinitionService.PutFunction(ctx, events.Function{Name: "BenchEcho", Implementation: "builtin:Passthrough"}); err != nil {
		return nil, fmt.Errorf("bench: define the function: %w", err)
	}
	return runSetup("BenchMap", enginebench.Map(100, "arn:aws:lambda:us-east-1:123456789012:function:BenchEcho"), `{}`)(ctx, a, conc)
}

func defineBenchWorkflow(ctx context.Context, a *App, conc int) error {
	d := a.DefinitionService
	if _, err := d.Configure(ctx, events.SystemConfigured{MaxConcurrentWorkflows: max(conc*2, 1000)}); err != nil {
		return err
	}
	var stages = map[string]events.WorkflowStage{}
	for s := 1; s <= 3; s++ {
		var ops []string
		for o := 1; o <= 2; o++ {
			name := fmt.Sprintf("BenchPass%d%d", s, o)
			ops = append(ops, name)
			if _, ok := a.Definitions.Operator(name); ok {
				continue
			}
			if _, err := d.CreateOperator(ctx, events.Operator{Name: name, Type: "Sync", StartLambdaArn: "builtin:Passthrough",
				Configuration: map[string]any{"MediaType": "Video", "Enabled": true, "Output": map[string]any{name: s}}}); err != nil {
				return fmt.Errorf("bench: define operator: %w", err)
			}
		}
		sname := fmt.Sprintf("BenchStage%d", s)
		if _, ok := a.Definitions.Stage(sname); !ok {
			if _, err := d.CreateStage(ctx, events.Stage{Name: sname, Operations: ops}); err != nil {
				return fmt.Errorf("bench: define stage: %w", err)
			}
		}
		link := events.WorkflowStage{End: true}
		if s < 3 {
			link = events.WorkflowStage{Next: fmt.Sprintf("BenchStage%d", s+1)}
		}
		stages[sname] = link
	}
	if _, ok := a.Definitions.Workflow("BenchWorkflow"); ok {
		return nil
	}
	_, err := d.CreateWorkflow(ctx, events.Workflow{Name: "BenchWorkflow", StartAt: "BenchStage1", Stages: stages})
	if err != nil {
		return fmt.Errorf("bench: define workflow: %w", err)
	}
	return nil
}
