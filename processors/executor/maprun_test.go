package executor_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/transact"
	"github.com/mie-kafka/mie/internal/view"
	"github.com/mie-kafka/mie/processors/executor"
	"github.com/mie-kafka/mie/processors/worker"
)

// TestMapRunSurvivesRestart runs a distributed Map through the real
// executor, relay and map run worker, and restarts the executor while its
// children wait: the new instance rebuilds the map run from its history and
// finishes it. The log shows no more than MaxConcurrency children running
// at any point, each child started once, and a parent history of six
// events.
func TestMapRunSurvivesRestart(t *testing.T) {
	var cfg executor.Config
	s := startStack(t, cfg)
	store, err := objectstore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	var items strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&items, "{\"n\":%d}\n", i)
	}
	if _, err := store.Put(t.Context(), "inputs", "items.jsonl", strings.NewReader(items.String()), -1, ""); err != nil {
		t.Fatal(err)
	}
	topic, err := s.cat.Task(events.MapRunImplementation)
	if err != nil {
		t.Fatal(err)
	}
	kafkatest.Ensure(t, s.kafka, s.cat.TaskSpec(topic))
	w, err := worker.New(worker.Config{Config: transact.Config{Kafka: s.kafka, Catalog: s.cat,
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))},
		Topic: topic, Handler: worker.MapRun{Store: store}})
	if err != nil {
		t.Fatal(err)
	}
	s.run(w.Run)
	s.stopEx()
	s.exCfg.Engine.MapRun.Topic = topic
	s.exCfg.Engine.MapRun.PageItems = 6
	s.startExecutor()

	def := `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":5,
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},
			"Parameters":{"Bucket":"inputs","Key":"items.jsonl"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Hold","States":{
			"Hold":{"Type":"Wait","Seconds":1,"Next":"Double"},
			"Double":{"Type":"Pass","Parameters":{"d.$":"States.MathAdd($.n, $.n)"},"End":true}}},"End":true}}}`
	id := "parent-" + s.cat.Prefix
	cmd := &events.StartExecution{ExecutionId: id, Input: json.RawMessage(`{}`), Trigger: events.Trigger{Source: "test"},
		Created: time.Now().UTC(), Run: events.Run{Name: id, Definition: json.RawMessage(def), Type: "STANDARD",
			StateMachine: &events.StateMachineRef{Kind: events.KindStateMachine, Name: "photos"}}}
	kafkatest.Produce(t, s.kafka, s.record(id, cmd))

	var mapRun string
	s.hist.wait(id, "its map run", func(x *view.Execution) bool {
		for _, e := range s.hist.envs[id] {
			if e.Type == "MapRunStarted" {
				p, _ := e.Decode()
				mapRun = p.(*events.MapRunStarted).MapRunId
			}
		}
		return mapRun != "" && len(s.hist.envs[mapRun]) > 2
	})
	s.restartExecutor()

	x, envs := s.hist.ended(id)
	if x.Run == nil || x.Run.Status != "SUCCEEDED" {
		t.Fatalf("parent %+v; events %v", x.Run, typesOf(envs))
	}
	var out []struct{ D int }
	if err := json.Unmarshal(x.Run.Output, &out); err != nil || len(out) != 20 {
		t.Fatalf("output %s", x.Run.Output)
	}
	for i, o := range out {
		if o.D != 2*i {
			t.Fatalf("output %d is %+v", i, o)
		}
	}
	if got := strings.Join(typesOf(envs), " "); got != "ExecutionQueued ExecutionStarted StateEntered MapRunStarted StateExited ExecutionCompleted" {
		t.Errorf("parent history %s", got)
	}
	running, peak, started := 0, 0, map[int]bool{}
	for _, e := range s.hist.envs[mapRun] {
		p, err := e.Decode()
		if err != nil {
			t.Fatal(err)
		}
		switch ev := p.(type) {
		case *events.MapRunChildrenStarted:
			for c := ev.First; c < ev.First+ev.Count; c++ {
				if started[c] {
					t.Fatalf("child %d started twice", c)
				}
				started[c] = true
			}
			running += ev.Count
		case *events.MapRunChildEnded:
			running--
		}
		peak = max(peak, running)
		if running > 5 {
			t.Fatalf("%d children running, over MaxConcurrency 5; map run events %v", running, typesOf(s.hist.envs[mapRun]))
		}
	}
	if peak != 5 || len(started) != 20 {
		t.Errorf("peak %d running, %d children started", peak, len(started))
	}
}
