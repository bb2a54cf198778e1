// Package workflow compiles MIE workflows into the engine's state-machine IR,
// as MIE compiles them into Step Functions machines: each stage becomes a
// Parallel state whose branches are one operator Task each.
package workflow

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/retry"
	"github.com/mie-kafka/mie/internal/topics"
)

// Definitions is what compiling needs from the control plane.
type Definitions interface {
	Workflow(name string) (events.Workflow, bool)
	Stage(name string) (events.Stage, bool)
	Operator(name string) (events.Operator, bool)
}

// Compiled is a workflow frozen for one execution.
type Compiled struct {
	Workflow events.ExecutionWorkflow
	Machine  events.Machine
	// Operators are the workflow's operators, by name.
	Operators map[string]events.Operator
}

// Compile resolves workflow name against defs, applies the per-run
// configuration overrides (stage -> operator -> settings) and builds the
// machine. Unknown names in overrides are a 400 naming them.
func Compile(defs Definitions, name string, overrides events.Configuration, cat topics.Catalog) (Compiled, error) {
	wf, ok := defs.Workflow(name)
	if !ok {
		return Compiled{}, problem.NotFound("workflow", name)
	}
	stages := map[string]events.Stage{}
	ops := map[string]events.Operator{}
	for sname := range wf.Stages {
		st, ok := defs.Stage(sname)
		if !ok {
			return Compiled{}, fmt.Errorf("%w: workflow %q names stage %q, which no longer exists", problem.ErrConflict, name, sname)
		}
		stages[sname] = st
		for _, oname := range st.Operations {
			op, ok := defs.Operator(oname)
			if !ok {
				return Compiled{}, fmt.Errorf("%w: stage %q names operator %q, which no longer exists", problem.ErrConflict, sname, oname)
			}
			ops[oname] = op
		}
	}
	return Build(wf, stages, ops, overrides, cat)
}

// Build is the pure part of Compile.
func Build(wf events.Workflow, stages map[string]events.Stage, ops map[string]events.Operator, overrides events.Configuration, cat topics.Catalog) (Compiled, error) {
	for sname, byOp := range overrides {
		st, ok := stages[sname]
		if !ok {
			return Compiled{}, problem.Invalid("Configuration", "stage %q is not in workflow %q", sname, wf.Name)
		}
		for oname := range byOp {
			if !contains(st.Operations, oname) {
				return Compiled{}, problem.Invalid("Configuration", "operator %q is not in stage %q", oname, sname)
			}
		}
	}
	out := Compiled{
		Workflow: events.ExecutionWorkflow{
			Name: wf.Name, StartAt: wf.StartAt, Version: wf.Version, Id: wf.Id,
			Stages: map[string]events.ExecutionStage{},
		},
		Operators: ops,
		Machine: events.Machine{
			Comment: "MIE workflow " + wf.Name,
			StartAt: wf.StartAt,
			States:  map[string]*events.State{},
		},
	}
	names := make([]string, 0, len(wf.Stages))
	for n := range wf.Stages {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, sname := range names {
		link := wf.Stages[sname]
		st := stages[sname]
		es := events.ExecutionStage{
			Name:          sname,
			Operations:    append([]string(nil), st.Operations...),
			Configuration: map[string]map[string]any{},
			Next:          link.Next,
			End:           link.End,
		}
		par := &events.State{Type: events.StateParallel, Stage: sname, Next: link.Next, End: link.End}
		for _, oname := range st.Operations {
			op := ops[oname]
			cfg := EffectiveConfig(op, st, overrides[sname][oname])
			es.Configuration[oname] = cfg
			topic, err := cat.Task(op.StartLambdaArn)
			if err != nil {
				return Compiled{}, fmt.Errorf("%w: operator %q: %v", problem.ErrConflict, oname, err)
			}
			task := &events.State{
				Type:     events.StateTask,
				Resource: op.StartLambdaArn,
				End:      true,
				Operator: &events.OperatorTask{
					Name: oname, Stage: sname, Type: op.Type,
					Implementation: op.StartLambdaArn, Topic: topic, Configuration: cfg,
				},
			}
			// An Async HTTP operator's monitor step goes to its
			// MonitorLambdaArn unless its Configuration names a MonitorUrl.
			if op.Type == "Async" && op.MonitorLambdaArn != op.StartLambdaArn && isHTTP(op.MonitorLambdaArn) {
				if _, set := cfg["MonitorUrl"]; !set {
					cfg["MonitorUrl"] = op.MonitorLambdaArn
				}
			}
			if n, ok := number(cfg["TimeoutSeconds"]); ok && n > 0 {
				task.TimeoutSeconds = int(n)
			}
			// The operator's retry policy (MIE's default when it sets
			// none) becomes the Task state's ASL Retry. The operator and
			// stage settings were validated when defined; a per-run
			// override is checked here.
			rs, err := retry.FromConfig(cfg)
			if err != nil {
				return Compiled{}, problem.Invalid(fmt.Sprintf("Configuration.%s.%s", sname, oname), "%v", err)
			}
			task.Retry = rs
			par.Branches = append(par.Branches, events.Machine{StartAt: oname, States: map[string]*events.State{oname: task}})
		}
		out.Workflow.Stages[sname] = es
		out.Machine.States[sname] = par
	}
	return out, nil
}

// EffectiveConfig is the operator's default configuration, overlaid by the
// stage's configuration for it, overlaid by the per-run override.
func EffectiveConfig(op events.Operator, st events.Stage, override map[string]any) map[string]any {
	cfg := map[string]any{}
	maps.Copy(cfg, op.Configuration)
	maps.Copy(cfg, st.Configuration[op.Name])
	maps.Copy(cfg, override)
	return cfg
}

func isHTTP(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}
