package projectiontest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/topics"
)

// Dataplane is a stream of the change stream's events over five assets:
//   - as1: two media objects; Transcribe stored pages 0 and 1, then a new
//     single-page result (replacing both); Labels stored a claim-checked
//     page; Faces stored a page that was deleted;
//   - as2: created, given metadata, deleted;
//   - as3: created, deleted, created again (only the new media shows);
//   - as4 and as5: plain assets, for paging.
func Dataplane() Stream {
	var evs []Event
	c := &clock{t: T0}
	add := func(key string, p events.Payload) {
		evs = append(evs, Event{Key: key, Time: c.after(time.Second), Payload: p})
	}
	asset := func(id string) *events.AssetCreated {
		return &events.AssetCreated{AssetId: id, MediaType: "Video", S3Bucket: "media", S3Key: "upload/" + id + ".mp4"}
	}
	page := func(id, op string, n int, final bool, v any) *events.MetadataStored {
		b, _ := json.Marshal(v)
		return &events.MetadataStored{AssetId: id, OperatorName: op, WorkflowId: "wf-" + id, Page: n, Final: final, Results: b}
	}
	media := func(id, typ, key, op string) *events.MediaObjectAdded {
		return &events.MediaObjectAdded{AssetId: id, MediaType: typ, S3Bucket: "media", S3Key: key, OperatorName: op, WorkflowExecutionId: "x-" + id}
	}
	for _, id := range []string{"as4", "as1", "as2", "as5"} {
		add(id, asset(id))
	}
	add("as1", media("as1", "Audio", "private/as1/x-as1/audio.mp3", "ExtractAudio"))
	add("as1", media("as1", "Image", "private/as1/x-as1/thumb.jpg", "Thumbnail"))
	add("as1", page("as1", "Transcribe", 0, false, map[string]any{"Words": []string{"old", "first"}}))
	add("as1", page("as1", "Transcribe", 1, true, map[string]any{"Words": []string{"old", "second"}}))
	add("as1", &events.MetadataStored{AssetId: "as1", OperatorName: "Labels", WorkflowId: "wf-as1", Page: 0, Final: true,
		Ref: &events.ObjectRef{S3Bucket: "media", S3Key: "private/as1/metadata/Labels/0.json", Size: 4 << 20, SHA256: "ab12"}})
	add("as1", page("as1", "Faces", 0, true, []any{map[string]any{"Name": "Ada", "Confidence": 0.98}}))
	add("as2", page("as2", "Transcribe", 0, true, map[string]any{"Words": []string{"gone"}}))
	add("as1", page("as1", "Transcribe", 0, true, map[string]any{"Words": []string{"new", "only"}}))
	add("as1", &events.MetadataDeleted{AssetId: "as1", OperatorName: "Faces"})
	add("as2", &events.AssetDeleted{AssetId: "as2"})
	add("as3", asset("as3"))
	add("as3", media("as3", "Audio", "private/as3/old.mp3", "ExtractAudio"))
	add("as3", page("as3", "Labels", 0, true, map[string]any{"Labels": []string{"old"}}))
	add("as3", &events.AssetDeleted{AssetId: "as3"})
	add("as3", asset("as3"))
	add("as3", media("as3", "Audio", "private/as3/new.mp3", "ExtractAudio"))
	return Stream{Name: "dataplane", Topic: topics.Catalog.Dataplane, Events: evs}
}

// Segments is a stream of five segments of two sessions:
//   - s1-w0: pending, then complete with enrichment;
//   - s1-w1: pending, then failed after three deliveries;
//   - s1-w2: pending, then skipped;
//   - s2-w0: pending, re-driven by the reaper (pending again), complete;
//   - s2-w1: pending (the reaper's candidate: the oldest pending).
func Segments() Stream {
	var evs []Event
	c := &clock{t: T0}
	move := func(session string, w int, status, prev string, at time.Duration, f func(*events.SegmentStatusChanged)) {
		e := &events.SegmentStatusChanged{SegmentId: fmt.Sprintf("%s-w%d", session, w), SessionId: session, UserId: "u-" + session,
			WindowIndex: w, FrameCount: 30 * (w + 1), Status: status, Previous: prev}
		if f != nil {
			f(e)
		}
		evs = append(evs, Event{Key: e.SegmentId, Time: c.after(at), Payload: e})
	}
	move("s2", 1, events.SegmentPending, "", time.Second, nil)
	move("s1", 0, events.SegmentPending, "", time.Second, nil)
	move("s1", 1, events.SegmentPending, "", time.Second, nil)
	move("s1", 2, events.SegmentPending, "", time.Second, nil)
	move("s2", 0, events.SegmentPending, "", time.Second, nil)
	move("s1", 0, events.SegmentComplete, events.SegmentPending, 20*time.Minute, func(e *events.SegmentStatusChanged) {
		e.Deliveries, e.WorkflowExecutionId, e.Transcript, e.Caption = 1, "x-s1-w0", "hello there", "a person waves"
		e.Enriched, e.EntityCount, e.TripleCount, e.VisualStored = true, 2, 3, true
	})
	move("s1", 1, events.SegmentFailed, events.SegmentPending, time.Minute, func(e *events.SegmentStatusChanged) {
		e.Deliveries, e.Reason = 3, "caption model failed 3 times"
	})
	move("s1", 2, events.SegmentSkipped, events.SegmentPending, time.Minute, func(e *events.SegmentStatusChanged) {
		e.Reason = "no speech"
	})
	move("s2", 0, events.SegmentPending, events.SegmentPending, 40*time.Minute, func(e *events.SegmentStatusChanged) {
		e.Reason, e.Deliveries, e.Redrives = "re-driven by the reaper", 1, 1
	})
	move("s2", 0, events.SegmentComplete, events.SegmentPending, time.Minute, func(e *events.SegmentStatusChanged) {
		e.Deliveries, e.Transcript = 2, "second try"
	})
	return Stream{Name: "segments", Topic: topics.Catalog.Segments, Events: evs}
}
