package projectiontest

import (
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/execution/executiontest"
)

// FollowUps are the events the suite writes once the backend is running:
//   - executions: x6's last operator completes, so does x6; x7 is queued;
//   - dataplane: as4 is deleted; as5 gets its first metadata (Late);
//   - segments: s2-w1 completes.
func FollowUps(t testing.TB, ex, dp, sg Stream) (Stream, Stream, Stream) {
	t.Helper()
	last := func(s Stream) time.Time { return s.Events[len(s.Events)-1].Time }

	x6, err := Fold(roundTrip(t, byKey(ex, 0, "x6")))
	if err != nil {
		t.Fatal(err)
	}
	b1, ok := x6.Node("B/0/B1")
	if !ok {
		t.Fatal("fixture: x6 has not dispatched B1")
	}
	c := &clock{t: last(ex)}
	md := map[string]any{"B1": "done"}
	at := c.after(2 * time.Second)
	ex2 := Stream{Name: ex.Name, Topic: ex.Topic, Events: []Event{
		{Key: "x6", Time: at, Payload: &events.OperatorCompleted{Path: "B/0/B1", Stage: "B", Operator: "B1", TaskId: b1.TaskId,
			Attempt: b1.Attempt, MetaData: md}},
		{Key: "x6", Time: at, Payload: &events.StageCompleted{Path: "B", Stage: "B", MetaData: md}},
		{Key: "x6", Time: at, Payload: &events.ExecutionCompleted{ExecutionId: "x6"}},
	}}
	_, o := execution.Start(executiontest.Command("x7", "a7", c.after(time.Minute), 1, 1), c.t)
	for _, p := range o.Events {
		ex2.Events = append(ex2.Events, Event{Key: "x7", Time: c.t, Payload: p})
	}

	c = &clock{t: last(dp)}
	dp2 := Stream{Name: dp.Name, Topic: dp.Topic, Events: []Event{
		{Key: "as4", Time: c.after(time.Second), Payload: &events.AssetDeleted{AssetId: "as4"}},
		{Key: "as5", Time: c.after(time.Second), Payload: &events.MetadataStored{AssetId: "as5", OperatorName: "Late",
			Page: 0, Final: true, Results: []byte(`{"Late":true}`)}},
	}}

	c = &clock{t: last(sg)}
	sg2 := Stream{Name: sg.Name, Topic: sg.Topic, Events: []Event{
		{Key: "s2-w1", Time: c.after(time.Hour), Payload: &events.SegmentStatusChanged{SegmentId: "s2-w1", SessionId: "s2",
			UserId: "u-s2", WindowIndex: 1, FrameCount: 60, Status: events.SegmentComplete, Previous: events.SegmentPending,
			Deliveries: 1, Transcript: "late"}},
	}}
	return ex2, dp2, sg2
}
