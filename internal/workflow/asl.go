package workflow

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/retry"
)

// An MIE workflow as a States Language program, run by the same
// interpreter as any state machine. For each stage S, in the workflow's
// order:
//
//	S          Parallel, one branch per operator O of S, ResultPath $.Outputs
//	  S:O        Task: the operator, Resource arn:mie:operator:::<implementation>
//	             (.waitForTaskToken for builtin:Wait), Parameters the MIE
//	             operator event, the operator's Retry and TimeoutSeconds
//	  S:O:media  Choice before it when the operator needs a MediaType
//	             the input may lack: present, S:O; else S:O:skip (none
//	             when the execution starts with that media: media are
//	             only ever added, so the check cannot fail)
//	  S:O:skip   Pass with {"Status": "Skipped", "Reason": ...}: Enabled
//	             false, or the media missing
//	S:merge    Task: the built-in mie.MergeStage, run in the executor:
//	           merges the operators' Media and MetaData into the
//	           execution's (two operators giving one key different values
//	           fail it), then the next stage, or the end
//
// The data between states is {AssetId, WorkflowExecutionId, Media,
// MetaData}. State names use ':', which MIE names cannot contain, so
// views map runs back to stages and operators (Names).

// Resource forms of the compiled program.
const (
	// OperatorResource prefixes an operator's implementation reference.
	OperatorResource = "arn:mie:operator:::"
	// MergeResource is the stage merge, an inline built-in.
	MergeResource = "arn:mie:function:::" + MergeFunction
	// MergeFunction names the stage merge.
	MergeFunction = "mie.MergeStage"
	// WaitImplementation is MIE's Wait operator: the execution waits until
	// it is resumed through the API (the Task's token is answered).
	WaitImplementation = "builtin:Wait"
	// MetadataOnly is the MediaType of operators that need no input media.
	MetadataOnly = "MetadataOnly"
)

// Names of the compiled states of stage and operator.
func OperatorState(stage, op string) string { return stage + ":" + op }
func SkipState(stage, op string) string     { return stage + ":" + op + ":skip" }
func MediaState(stage, op string) string    { return stage + ":" + op + ":media" }
func MergeState(stage string) string        { return stage + ":merge" }

// Definition is the compiled workflow as an ASL definition. Every
// operator's Configuration is the effective one recorded in c.Workflow; an
// operator whose Configuration sets no TimeoutSeconds gets defaultTimeout
// (0: none). present are the media types the execution starts with
// (nil: none known), whose checks are left out.
func (c Compiled) Definition(defaultTimeout time.Duration, present map[string]bool) (json.RawMessage, error) {
	ops := c.Operators
	states := map[string]any{}
	names := make([]string, 0, len(c.Workflow.Stages))
	for n := range c.Workflow.Stages {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, sname := range names {
		st := c.Workflow.Stages[sname]
		par := map[string]any{"Type": "Parallel", "ResultPath": "$.Outputs", "Next": MergeState(sname)}
		var branches []any
		for _, oname := range st.Operations {
			b, err := operatorBranch(sname, ops[oname], st.Configuration[oname], defaultTimeout, present)
			if err != nil {
				return nil, err
			}
			branches = append(branches, b)
		}
		par["Branches"] = branches
		states[sname] = par
		merge := map[string]any{
			"Type": "Task", "Resource": MergeResource,
			"Parameters": map[string]any{"AssetId.$": "$.AssetId", "WorkflowExecutionId.$": "$.WorkflowExecutionId",
				"Media.$": "$.Media", "MetaData.$": "$.MetaData", "Outputs.$": "$.Outputs", "Stage": sname},
		}
		if st.End {
			merge["End"] = true
		} else {
			merge["Next"] = st.Next
		}
		states[MergeState(sname)] = merge
	}
	def := map[string]any{"Comment": "MIE workflow " + c.Workflow.Name, "StartAt": c.Workflow.StartAt, "States": states}
	return json.Marshal(def)
}

// operatorBranch is the branch that runs operator op of stage with its
// effective configuration cfg.
func operatorBranch(stage string, op events.Operator, cfg map[string]any, timeout time.Duration, present map[string]bool) (map[string]any, error) {
	name := OperatorState(stage, op.Name)
	skip := func(reason string) map[string]any {
		return map[string]any{"Type": "Pass", "End": true,
			"Result": map[string]any{"Name": op.Name, "Status": "Skipped", "Reason": reason}}
	}
	if enabled, ok := cfg["Enabled"].(bool); ok && !enabled {
		return map[string]any{"StartAt": SkipState(stage, op.Name),
			"States": map[string]any{SkipState(stage, op.Name): skip("Enabled is false")}}, nil
	}
	task, err := operatorTask(stage, op, cfg, timeout)
	if err != nil {
		return nil, err
	}
	states := map[string]any{name: task}
	start := name
	if mt, _ := cfg["MediaType"].(string); mt != "" && mt != MetadataOnly && !present[mt] {
		start = MediaState(stage, op.Name)
		states[start] = map[string]any{"Type": "Choice", "Default": SkipState(stage, op.Name),
			"Choices": []any{map[string]any{"Variable": "$.Media['" + escapeQuote(mt) + "']", "IsPresent": true, "Next": name}}}
		states[SkipState(stage, op.Name)] = skip(fmt.Sprintf("MediaType %s is not in the input", mt))
	}
	return map[string]any{"StartAt": start, "States": states}, nil
}

// operatorTask is the Task state of one operator.
func operatorTask(stage string, op events.Operator, cfg map[string]any, timeout time.Duration) (map[string]any, error) {
	resource := OperatorResource + op.StartLambdaArn
	if op.StartLambdaArn == WaitImplementation {
		resource += ".waitForTaskToken"
	}
	task := map[string]any{"Type": "Task", "Resource": resource, "End": true,
		"Parameters": map[string]any{
			"Name": op.Name, "AssetId.$": "$.AssetId", "WorkflowExecutionId.$": "$.WorkflowExecutionId",
			"Input":         map[string]any{"Media.$": "$.Media", "MetaData.$": "$.MetaData"},
			"Configuration": cfg, "StageName": stage, "Type": op.Type, "Implementation": op.StartLambdaArn,
		}}
	if n, ok := number(cfg["TimeoutSeconds"]); ok && n > 0 {
		task["TimeoutSeconds"] = max(int64(math.Ceil(n)), 1)
	} else if timeout >= time.Second && op.StartLambdaArn != WaitImplementation {
		task["TimeoutSeconds"] = int64(timeout / time.Second)
	}
	if op.StartLambdaArn == WaitImplementation {
		return task, nil // a Wait operator waits without a timeout and never fails
	}
	rs, err := retry.FromConfig(cfg)
	if err != nil {
		return nil, err
	}
	if len(rs) > 0 {
		var list []any
		for _, r := range rs {
			m := map[string]any{"ErrorEquals": r.ErrorEquals, "IntervalSeconds": r.IntervalSeconds,
				"MaxAttempts": r.MaxAttempts, "BackoffRate": r.BackoffRate}
			if r.MaxDelaySeconds > 0 {
				m["MaxDelaySeconds"] = r.MaxDelaySeconds
			}
			if r.JitterStrategy != "" {
				m["JitterStrategy"] = r.JitterStrategy
			}
			list = append(list, m)
		}
		task["Retry"] = list
	}
	return task, nil
}

func escapeQuote(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' || s[i] == '\\' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// Start is the StartExecution of c as execution id on assetID with the
// media and metadata of g: the compiled program (see Definition), the
// run's input {AssetId, WorkflowExecutionId, Media, MetaData}, and the
// workflow snapshot that MIE's views show.
func (c Compiled) Start(id, assetID string, g events.Globals, overrides events.Configuration, trigger events.Trigger,
	created time.Time, defaultTimeout time.Duration) (*events.StartExecution, error) {
	if g.Media == nil {
		g.Media = map[string]events.MediaObject{}
	}
	present := make(map[string]bool, len(g.Media))
	for t := range g.Media {
		present[t] = true
	}
	def, err := c.Definition(defaultTimeout, present)
	if err != nil {
		return nil, err
	}
	if g.MetaData == nil {
		g.MetaData = map[string]any{}
	}
	input, err := json.Marshal(map[string]any{"AssetId": assetID, "WorkflowExecutionId": id, "Media": g.Media, "MetaData": g.MetaData})
	if err != nil {
		return nil, fmt.Errorf("the input's MetaData cannot be encoded as JSON: %w", err)
	}
	return &events.StartExecution{
		ExecutionId: id, Workflow: c.Workflow, AssetId: assetID, Input: input,
		Configuration: overrides, Trigger: trigger, Created: created,
		Run: events.Run{Name: id, Definition: def, Type: "STANDARD", Admission: true,
			StateMachine: &events.StateMachineRef{Kind: events.KindWorkflow, Name: c.Workflow.Name, Version: c.Workflow.Version}},
	}, nil
}
