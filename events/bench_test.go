package events_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/execution/executiontest"
)

// benchPayloads are the records the engine writes most: an operator result
// (one per task) and the ExecutionQueued that carries the compiled machine
// (one per execution, the largest), here of 3 stages of 2 operators.
func benchPayloads() []struct {
	name string
	p    events.Payload
} {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	_, o := execution.Start(executiontest.Command("0190f0d2-7a3c-7cc1-9d4e-6a1f2b3c4d5e", "asset-1", now, 3, 2), now)
	return []struct {
		name string
		p    events.Payload
	}{
		{"OperatorResult", &events.OperatorResult{
			WorkflowExecutionId: "0190f0d2-7a3c-7cc1-9d4e-6a1f2b3c4d5e", Name: "Transcribe", StageName: "Analysis",
			Path: "Analysis/0/Transcribe", TaskId: "0190f0d2-7a3c-7cc1-9d4e-000000000001", Attempt: 1,
			Phase: events.PhaseStart, Status: events.ResultComplete,
			Media:    map[string]events.MediaObject{"Text": {S3Bucket: "bucket", S3Key: "out/transcript.txt"}},
			MetaData: map[string]any{"LanguageCode": "en-US", "Confidence": 0.93, "Words": 1234.0},
		}},
		{"ExecutionQueued", o.Events[0]},
		{"StateEntered", &events.StateEntered{RunRef: events.RunRef{Run: 2, State: "Stage1:Pass11"}, Type: "Task",
			Parent: 1, Visit: 1, Input: json.RawMessage(benchInput)}},
		{"TaskScheduled", &events.TaskScheduled{RunRef: events.RunRef{Run: 2, State: "Stage1:Pass11"},
			TaskId: "453d530a-e920-473a-bbfa-5930da23e7f2", Attempt: 1, Resource: "arn:mie:operator:::builtin:Passthrough",
			Implementation: "builtin:Passthrough", Topic: "tasks.builtin.Passthrough", TimeoutSeconds: 3600,
			Payload: json.RawMessage(`{"AssetId":"01a23856-6bad-7902-8ca3-4bb85f4cf808","Configuration":{"Enabled":true,"MediaType":"Video"},` +
				`"Input":{"Media":{"Video":{"S3Bucket":"mie-dataplane","S3Key":"bench/clip.mp4"}},"MetaData":{}},"Name":"Pass11","StageName":"Stage1"}`)}},
	}
}

const benchInput = `{"AssetId":"01a23856-6bad-7902-8ca3-4bb85f4cf808","Media":{"Video":{"S3Bucket":"mie-dataplane",` +
	`"S3Key":"bench/clip.mp4"}},"MetaData":{"Pass11":1,"Pass12":1},"WorkflowExecutionId":"01a23856-6bad-78fb-b064-b2003ab592b4"}`

func reportRate(b *testing.B, records int) {
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkEncode is events.New and Envelope.Record: what every emitted
// record costs before the producer sees it.
func BenchmarkEncode(b *testing.B) {
	for _, bp := range benchPayloads() {
		b.Run(bp.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			var rec *kgo.Record
			for b.Loop() {
				env, err := events.New("0190f0d2-7a3c-7cc1-9d4e-6a1f2b3c4d5e", "bench", bp.p)
				if err != nil {
					b.Fatal(err)
				}
				if rec, err = env.Record("executions"); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.SetBytes(int64(len(rec.Value)))
			reportRate(b, n)
		})
	}
}

// BenchmarkDecode is events.FromRecord and Envelope.Decode: what every
// consumed record costs before it is handled.
func BenchmarkDecode(b *testing.B) {
	for _, bp := range benchPayloads() {
		b.Run(bp.name, func(b *testing.B) {
			env, err := events.New("0190f0d2-7a3c-7cc1-9d4e-6a1f2b3c4d5e", "bench", bp.p)
			if err != nil {
				b.Fatal(err)
			}
			rec, err := env.Record("executions")
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(rec.Value)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				got, err := events.FromRecord(rec)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := got.Decode(); err != nil {
					b.Fatal(err)
				}
				n++
			}
			reportRate(b, n)
		})
	}
}
