package definitions

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/retry"
	"github.com/mie-kafka/mie/internal/topics"
)

// Operator types.
const (
	TypeSync  = "Sync"
	TypeAsync = "Async"
)

// OperatorStagePrefix starts the name of the single-operator stage created
// with each operator: operator X runs alone as stage "_X".
const OperatorStagePrefix = "_"

// maxNameLen bounds operator, stage and workflow names.
const maxNameLen = 128

// Implementation kinds of an operator reference.
const (
	implBuiltin = "builtin"
	implHTTP    = "http"
	implWorker  = "worker"
)

// OperatorStage returns the name of operator's own single-operator stage.
func OperatorStage(operator string) string { return OperatorStagePrefix + operator }

// problems collects every "field: message" wrong with a request, so that
// one 400 names them all.
type problems []string

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, field+": "+fmt.Sprintf(format, args...))
}

// err returns nil or one ErrInvalid naming every problem.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", problem.ErrInvalid, strings.Join(p, "; "))
}

// name checks a definition name: required, letters, digits, '_' and '-',
// at most maxNameLen.
func (p *problems) name(field, name string) {
	switch {
	case name == "":
		p.add(field, "required")
	case len(name) > maxNameLen:
		p.add(field, "longer than %d characters", maxNameLen)
	case strings.IndexFunc(name, func(r rune) bool { return !nameRune(r) }) >= 0:
		p.add(field, "%q: use letters, digits, '_' and '-'", name)
	}
}

func nameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
}

// configValues checks the well-known keys of an operator configuration
// where present: MediaType a non-empty string, Enabled a boolean, Retry a
// retry policy (docs/retries.md).
func (p *problems) configValues(field string, cfg map[string]any) {
	if v, ok := cfg["MediaType"]; ok {
		if s, isStr := v.(string); !isStr || s == "" {
			p.add(field+".MediaType", "want a non-empty string, got %v", v)
		}
	}
	if v, ok := cfg["Enabled"]; ok {
		if _, isBool := v.(bool); !isBool {
			p.add(field+".Enabled", "want true or false, got %v", v)
		}
	}
	if v, ok := cfg[retry.ConfigKey]; ok {
		if _, err := retry.Parse(v); err != nil {
			var re *retry.Error
			if !errors.As(err, &re) {
				p.add(field+"."+retry.ConfigKey, "%v", err)
			} else {
				for _, prob := range re.Problems {
					*p = append(*p, field+"."+prob)
				}
			}
		}
	}
}

// rules is what validation needs besides a request and the current
// definitions.
type rules struct {
	// builtins maps each built-in operator name to its Type.
	builtins map[string]string
	catalog  topics.Catalog
}

// operator validates a new operator against the current definitions. It
// returns the kind of its implementation and, for a worker, the task topic
// that must exist.
func (r rules) operator(op events.Operator, st state) (kind, workerTopic string, err error) {
	var p problems
	p.name("Name", op.Name)
	typeOK := op.Type == TypeSync || op.Type == TypeAsync
	if !typeOK {
		p.add("Type", "want %s or %s, got %q", TypeSync, TypeAsync, op.Type)
	}
	if op.Configuration == nil {
		p.add("Configuration", "required: an object with MediaType and Enabled")
	} else {
		for _, k := range []string{"MediaType", "Enabled"} {
			if _, ok := op.Configuration[k]; !ok {
				p.add("Configuration."+k, "required")
			}
		}
		p.configValues("Configuration", op.Configuration)
	}
	kind, workerTopic = r.implementation(op, &p)
	switch {
	case op.Type == TypeAsync && op.MonitorLambdaArn == "":
		p.add("MonitorLambdaArn", "required for %s operators", TypeAsync)
	case op.Type == TypeAsync && (kind == implBuiltin || kind == implWorker):
		if op.MonitorLambdaArn != op.StartLambdaArn {
			p.add("MonitorLambdaArn", "a %s operator monitors itself: want %q, got %q", kind, op.StartLambdaArn, op.MonitorLambdaArn)
		}
	case op.Type == TypeAsync && kind == implHTTP:
		if !httpURL(op.MonitorLambdaArn) {
			p.add("MonitorLambdaArn", "want an http(s) URL with a host, got %q", op.MonitorLambdaArn)
		}
	case op.Type == TypeSync && op.MonitorLambdaArn != "":
		p.add("MonitorLambdaArn", "only %s operators are monitored", TypeAsync)
	}
	if err := p.err(); err != nil {
		return "", "", err
	}
	if _, ok := st.operators[op.Name]; ok {
		return "", "", problem.Conflict("operator %q exists", op.Name)
	}
	if _, ok := st.stages[OperatorStage(op.Name)]; ok {
		return "", "", problem.Conflict("stage %q, the stage of operator %q, exists", OperatorStage(op.Name), op.Name)
	}
	return kind, workerTopic, nil
}

// implementation checks StartLambdaArn: builtin:<Name> of a known builtin
// of the operator's Type, an http(s) URL, or worker:<topic> naming a topic
// that is not one of the engine's own.
func (r rules) implementation(op events.Operator, p *problems) (kind, workerTopic string) {
	kind, workerTopic, typ := r.implementationRef("StartLambdaArn", op.StartLambdaArn, p)
	if kind == implBuiltin && (op.Type == TypeSync || op.Type == TypeAsync) && op.Type != typ {
		p.add("Type", "builtin %s is %s, not %s", strings.TrimPrefix(op.StartLambdaArn, "builtin:"), typ, op.Type)
	}
	return kind, workerTopic
}

// implementationRef checks an implementation reference in field: builtin:
// <Name> of a known builtin (whose Type it returns), an http(s) URL, or
// worker:<topic> naming a topic that is not one of the engine's own.
func (r rules) implementationRef(field, ref string, p *problems) (kind, workerTopic, builtinType string) {
	switch {
	case ref == "":
		p.add(field, "required: builtin:<Name>, an http(s) URL or worker:<topic>")
	case strings.HasPrefix(ref, "builtin:"):
		n := strings.TrimPrefix(ref, "builtin:")
		typ, ok := r.builtins[n]
		if !ok {
			p.add(field, "unknown builtin %q; known: %s", n, strings.Join(slices.Sorted(maps.Keys(r.builtins)), ", "))
			return "", "", ""
		}
		return implBuiltin, "", typ
	case strings.HasPrefix(ref, "http://"), strings.HasPrefix(ref, "https://"):
		if !httpURL(ref) {
			p.add(field, "want an http(s) URL with a host, got %q", ref)
			return "", "", ""
		}
		return implHTTP, "", ""
	case strings.HasPrefix(ref, "worker:"):
		topic, err := r.catalog.Task(ref)
		if err != nil {
			p.add(field, "%v", err)
			return "", "", ""
		}
		if r.reserved(topic) {
			p.add(field, "topic %s is one of the engine's own; pick another worker topic", topic)
			return "", "", ""
		}
		return implWorker, topic, ""
	default:
		p.add(field, "want builtin:<Name>, an http(s) URL or worker:<topic>, got %q", ref)
	}
	return "", "", ""
}

// reserved reports whether topic is one of the engine's own topics, which
// a worker must never consume as its task topic.
func (r rules) reserved(topic string) bool {
	for _, s := range r.catalog.Specs() {
		if s.Name == topic {
			return true
		}
	}
	tasks := r.catalog.Prefix + "tasks."
	return strings.HasPrefix(topic, tasks+"builtin.") || topic == tasks+"http"
}

// httpURL reports whether s is an absolute http(s) URL with a host.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// stage validates a new stage against the current definitions.
func (r rules) stage(in events.Stage, st state) error {
	var p problems
	p.name("Name", in.Name)
	if strings.HasPrefix(in.Name, OperatorStagePrefix) {
		p.add("Name", "%q: names starting with %q are reserved for operators' own stages", in.Name, OperatorStagePrefix)
	}
	if len(in.Operations) == 0 {
		p.add("Operations", "required: a non-empty list of operators")
	}
	seen := map[string]bool{}
	for _, op := range in.Operations {
		switch _, known := st.operators[op]; {
		case op == "":
			p.add("Operations", "an empty operator name")
		case seen[op]:
			p.add("Operations", "operator %q is listed twice", op)
		case !known:
			p.add("Operations", "unknown operator %q", op)
		}
		seen[op] = true
	}
	for _, op := range slices.Sorted(maps.Keys(in.Configuration)) {
		if !seen[op] {
			p.add("Configuration."+op, "operator %q is not in Operations", op)
			continue
		}
		p.configValues("Configuration."+op, in.Configuration[op])
	}
	if err := p.err(); err != nil {
		return err
	}
	if _, ok := st.stages[in.Name]; ok {
		return problem.Conflict("stage %q exists", in.Name)
	}
	return nil
}

// workflow validates the shape of a workflow against the current stages:
// every stage known, each with exactly one of Next and End, one chain from
// StartAt to the single End that visits every stage once. Whether the name
// may be created or updated is the caller's to check.
func (r rules) workflow(wf events.Workflow, st state) error {
	var p problems
	p.name("Name", wf.Name)
	if len(wf.Stages) == 0 {
		p.add("Stages", "required: a non-empty object of stage name to {Next} or {End: true}")
	}
	names := slices.Sorted(maps.Keys(wf.Stages))
	ends := 0
	for _, name := range names {
		ws := wf.Stages[name]
		if _, ok := st.stages[name]; !ok {
			p.add("Stages", "unknown stage %q", name)
		}
		switch {
		case ws.End && ws.Next != "":
			p.add("Stages."+name, "has both Next and End; want exactly one")
		case !ws.End && ws.Next == "":
			p.add("Stages."+name, "want exactly one of Next and End: true")
		case ws.Next != "":
			if _, ok := wf.Stages[ws.Next]; !ok {
				p.add("Stages."+name+".Next", "%q is not a stage of this workflow", ws.Next)
			}
		}
		if ws.End {
			ends++
		}
	}
	switch _, ok := wf.Stages[wf.StartAt]; {
	case wf.StartAt == "":
		p.add("StartAt", "required")
	case !ok:
		p.add("StartAt", "%q is not a stage of this workflow", wf.StartAt)
	}
	if len(wf.Stages) > 0 && ends != 1 {
		p.add("Stages", "want exactly one stage with End: true, found %d", ends)
	}
	if len(p) == 0 {
		p.chain(wf, names)
	}
	return p.err()
}

// chain walks a workflow whose entries are each well formed from StartAt
// and reports a cycle and every stage the walk does not reach.
func (p *problems) chain(wf events.Workflow, names []string) {
	seen := map[string]bool{}
	path := []string{}
	for cur := wf.StartAt; ; cur = wf.Stages[cur].Next {
		if seen[cur] {
			p.add("Stages", "cycle: %s -> %s", strings.Join(path, " -> "), cur)
			break
		}
		seen[cur] = true
		path = append(path, cur)
		if wf.Stages[cur].End {
			break
		}
	}
	for _, name := range names {
		if !seen[name] {
			p.add("Stages", "%q is not reachable from StartAt", name)
		}
	}
}

// systemConfig validates a system configuration.
func systemConfig(c events.SystemConfigured) error {
	if c.MaxConcurrentWorkflows < 1 {
		return problem.Invalid("MaxConcurrentWorkflows", "want an integer >= 1, got %d", c.MaxConcurrentWorkflows)
	}
	return nil
}

// operatorDeletion checks that the operator exists and, unless force, that
// nothing uses it: no stage other than its own, no workflow running its
// own stage.
func operatorDeletion(name string, st state, force bool) error {
	if _, ok := st.operators[name]; !ok {
		return problem.NotFound("operator", name)
	}
	if force {
		return nil
	}
	own := OperatorStage(name)
	stages := slices.DeleteFunc(st.stagesUsingOperator(name), func(s string) bool { return s == own })
	workflows := st.workflowsUsingStage(own)
	if len(stages) == 0 && len(workflows) == 0 {
		return nil
	}
	return problem.Conflict("operator %q is in use by %s; delete them first or use force=true",
		name, users(stages, workflows))
}

// stageDeletion checks that the stage exists and, unless force, that no
// workflow runs it and it is not an existing operator's own stage.
func stageDeletion(name string, st state, force bool) error {
	if _, ok := st.stages[name]; !ok {
		return problem.NotFound("stage", name)
	}
	if force {
		return nil
	}
	var why []string
	if workflows := st.workflowsUsingStage(name); len(workflows) > 0 {
		why = append(why, "is in use by "+users(nil, workflows))
	}
	if op, ok := strings.CutPrefix(name, OperatorStagePrefix); ok {
		if _, exists := st.operators[op]; exists {
			why = append(why, fmt.Sprintf("is the stage of operator %q, deleted with it", op))
		}
	}
	if len(why) == 0 {
		return nil
	}
	return problem.Conflict("stage %q %s; use force=true to delete it anyway", name, strings.Join(why, " and "))
}

// users names the stages and workflows that use a definition.
func users(stages, workflows []string) string {
	var parts []string
	if len(stages) > 0 {
		parts = append(parts, "stages "+strings.Join(stages, ", "))
	}
	if len(workflows) > 0 {
		parts = append(parts, "workflows "+strings.Join(workflows, ", "))
	}
	return strings.Join(parts, " and ")
}
