package triggers

import (
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
)

func object() *events.ObjectCreated {
	return &events.ObjectCreated{Bucket: "video-source", Key: "in/my talk+1.mp4", Size: 42, ETag: "9b2cf535f27731c974343645a3985328",
		Event: "ObjectCreated:Put", Source: events.ObjectSourceS3, RequestId: "R1", SourceIP: "127.0.0.1",
		Sequencer: "0000018C2B3D4E5F", Time: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
}

func TestExecutionIDIsTheObjectsIdentity(t *testing.T) {
	ev := object()
	id := ExecutionID("videos", ev)
	again := *ev
	again.Sequencer, again.RequestId, again.Time = "0000018C2B3D4E60", "R2", ev.Time.Add(time.Minute)
	if ExecutionID("videos", &again) != id {
		t.Fatal("a second report of the same object has another execution id")
	}
	for name, other := range map[string]func(e *events.ObjectCreated) string{
		"rule":    func(e *events.ObjectCreated) string { return ExecutionID("movs", e) },
		"etag":    func(e *events.ObjectCreated) string { c := *e; c.ETag = "00"; return ExecutionID("videos", &c) },
		"version": func(e *events.ObjectCreated) string { c := *e; c.VersionId = "v2"; return ExecutionID("videos", &c) },
		"key":     func(e *events.ObjectCreated) string { c := *e; c.Key = "in/x.mp4"; return ExecutionID("videos", &c) },
		"bucket":  func(e *events.ObjectCreated) string { c := *e; c.Bucket = "other"; return ExecutionID("videos", &c) },
	} {
		if other(ev) == id {
			t.Errorf("another %s gives the same execution id", name)
		}
	}
	if len(id) != 36 || id[14] != '8' {
		t.Fatalf("id %s is not a version 8 UUID", id)
	}
}

func TestInputTemplates(t *testing.T) {
	f, err := New(Config{Rules: noRules{}, Starts: nil, Dataplane: "mie-dataplane", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil {
		t.Fatal("a Firer without Starts was accepted")
	}
	f = &Firer{cfg: Config{Region: "eu-west-1"}}
	ev := object()
	id := ExecutionID("videos", ev)
	tests := []struct {
		name string
		rule events.UploadTrigger
		want string
	}{
		{"EventBridge, the reference's input", events.UploadTrigger{Name: "videos", Input: map[string]any{
			"bucket.$": "$.detail.bucket.name", "key.$": "$.detail.object.key", "size.$": "$.detail.object.size",
			"reason.$": "$.detail.reason", "region.$": "$.region", "at.$": "$.time", "execution.$": "$$.Execution.Id"}},
			`{"at":"2026-12-02T10:00:00Z","bucket":"video-source","execution":"` + id + `","key":"in/my talk+1.mp4","reason":"PutObject","region":"eu-west-1","size":42}`},
		{"the S3 notification: the key URL-encoded", events.UploadTrigger{Name: "videos", EventFormat: events.EventFormatS3, Input: map[string]any{
			"key.$": "$.Records[0].s3.object.key", "event.$": "$.Records[0].eventName", "config.$": "$.Records[0].s3.configurationId"}},
			`{"config":"videos","event":"ObjectCreated:Put","key":"in/my+talk%2B1.mp4"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := f.input(tt.rule, ev, id)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(v)
			if string(got) != tt.want {
				t.Fatalf("input = %s\nwant    %s", got, tt.want)
			}
		})
	}
	uuidRule := events.UploadTrigger{Name: "videos", Input: map[string]any{"a.$": "States.UUID()", "b.$": "States.UUID()"}}
	first, err := f.input(uuidRule, ev, id)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := f.input(uuidRule, ev, id)
	a, b := first.(map[string]any), second.(map[string]any)
	if a["a"] != b["a"] || a["b"] != b["b"] || a["a"] == a["b"] {
		t.Fatalf("States.UUID() is not deterministic per execution and distinct per call: %v, %v", a, b)
	}
	if _, err := f.input(events.UploadTrigger{Name: "x", Input: map[string]any{"k.$": "$.detail.nope"}}, ev, id); err == nil {
		t.Fatal("a template path missing from the event was accepted")
	}
}

type noRules struct{}

func (noRules) MatchingTriggers(_, _, _ string) []events.UploadTrigger { return nil }
