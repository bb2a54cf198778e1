// Package executiontest builds executions for tests and benchmarks: a
// compiled workflow of Passthrough stages, and a driver that runs one
// execution of it to completion through the real deciders. Only tests
// import it.
package executiontest

import (
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/workflow"
)

// Catalog names the task topics of the compiled workflows.
var Catalog = topics.New("", topics.DefaultPartitions)

// Command returns the StartExecution of execution id, on asset assetID, of a
// workflow of stages stages (A, B, ...) run one after the other, each of ops
// Passthrough operators (A1, A2, ...) run in parallel, on a Video input.
func Command(id, assetID string, created time.Time, stages, ops int) *events.StartExecution {
	wf := events.Workflow{Name: fmt.Sprintf("wf-%dx%d", stages, ops), StartAt: "A", Stages: map[string]events.WorkflowStage{}}
	sts := map[string]events.Stage{}
	opDefs := map[string]events.Operator{}
	for i := range stages {
		name := string(rune('A' + i))
		link := events.WorkflowStage{End: true}
		if i < stages-1 {
			link = events.WorkflowStage{Next: string(rune('A' + i + 1))}
		}
		wf.Stages[name] = link
		st := events.Stage{Name: name}
		for j := range ops {
			op := fmt.Sprintf("%s%d", name, j+1)
			st.Operations = append(st.Operations, op)
			opDefs[op] = events.Operator{Name: op, Type: "Sync", StartLambdaArn: "builtin:Passthrough",
				Configuration: map[string]any{"MediaType": "Video", "Enabled": true}}
		}
		sts[name] = st
	}
	c, err := workflow.Build(wf, sts, opDefs, nil, Catalog)
	if err != nil {
		panic(fmt.Sprintf("executiontest: build %s: %v", wf.Name, err)) // a bug in this fixture
	}
	return &events.StartExecution{
		ExecutionId: id, Workflow: c.Workflow, Machine: c.Machine, AssetId: assetID, Created: created,
		Input: events.GlobalsInput(events.Globals{
			Media:    map[string]events.MediaObject{"Video": {S3Bucket: "bucket", S3Key: "in/" + id + ".mp4"}},
			MetaData: map[string]any{},
		}),
	}
}

// Complete returns the result a worker sends for task: Complete, with
// MetaData naming the operator so that a stage's operators never clash.
func Complete(task *events.OperatorTaskRequest) *events.OperatorResult {
	return &events.OperatorResult{
		WorkflowExecutionId: task.WorkflowExecutionId, Name: task.Name, StageName: task.StageName, Path: task.Path,
		TaskId: task.TaskId, Attempt: task.Attempt, Phase: task.Phase, Status: events.ResultComplete,
		MetaData: map[string]any{task.Name: "done"},
	}
}

// Run starts cmd, admits it and completes every operator task as it is
// dispatched, all at now. It returns the final state and every event
// decided, in order.
func Run(cmd *events.StartExecution, now time.Time) (*execution.Execution, []events.Payload) {
	x, o := execution.Start(cmd, now)
	evs := o.Events
	pending := o.Tasks
	o = execution.Handle(x, &events.AdmitExecution{ExecutionId: cmd.ExecutionId}, now, execution.Options{})
	evs = append(evs, o.Events...)
	pending = append(pending, o.Tasks...)
	for len(pending) > 0 {
		t := &pending[0]
		pending = pending[1:]
		o = execution.Handle(x, Complete(&t.Task), now, execution.Options{})
		evs = append(evs, o.Events...)
		pending = append(pending, o.Tasks...)
	}
	return x, evs
}
