package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/worker"
)

// Object keys of the enrichment, in the window's folder.
const (
	EnrichmentFile = "enrichment.json"
	EmbeddingFile  = "embedding.json"
)

// enrich runs the GPU path (steps 6 to 11 of the design) for a window
// Prepare left pending. While the GPU pool is down, or when the GPU worker
// fails a call, the task is deferred and delivered again later; on the
// last delivery the segment fails.
func (o *Operators) enrich(ctx context.Context, t *worker.Task) (worker.Result, error) {
	w, err := WindowFrom(t.Input.MetaData)
	if err != nil {
		return worker.Failed(ErrInvalidInput, err.Error()), nil
	}
	if prior, _ := t.Input.MetaData[ResultKey].(map[string]any); prior["status"] != AnswerPending {
		// Already answered by Prepare (audio only, skipped, already
		// processed): nothing for the GPU.
		return worker.Complete(nil, nil), nil
	}
	id, n := w.SegmentID(), delivery(t)
	log := o.log.With("execution", t.WorkflowExecutionId, "operator", t.Name, "segment_id", id, "delivery", n)
	if n > 1 {
		log.Info("window redelivered", "step", StepSegmentRetrying)
	}
	seg, err := o.current(ctx, id)
	if err != nil {
		return worker.Result{}, err
	}
	switch statusOf(seg) {
	case events.SegmentPending:
	case events.SegmentComplete:
		log.Info("segment already complete", "step", StepAlreadyProcessed)
		return answer(map[string]any{"status": AnswerAlreadyProcessed, "segment_id": id}), nil
	case "":
		return worker.Result{}, fmt.Errorf("segment %s does not exist: %s should have created it", id, PrepareOperator)
	default:
		return worker.Failed(ErrSegmentFailed, fmt.Sprintf("segment %s is %s: %s", id, seg.Status, seg.Reason)), nil
	}

	avail := o.cfg.Pool.Check(ctx)
	if !avail.Up {
		log.Warn("GPU unavailable", "step", StepGPUUnavailableRaised, "gpu_sentinel", avail.Sentinel,
			"instance_id", avail.InstanceID, "reason", avail.Reason)
		return o.later(ctx, t, w, log, o.cfg.Defer, ErrGPUUnavailable, "GPU unavailable: "+avail.Reason, true)
	}
	res, err := o.gpuPath(ctx, t, w, seg, avail.URL, log)
	if err != nil {
		log.Warn("GPU path failed", "err", err)
		return o.later(ctx, t, w, log, o.cfg.ErrorDefer, ErrGPUFailed, err.Error(), false)
	}
	return res, nil
}

// later defers the task for d, or, on the last delivery, fails it and its
// segment. start tries to start the GPU pool first (fire and forget).
func (o *Operators) later(ctx context.Context, t *worker.Task, w Window, log *slog.Logger,
	d time.Duration, name, reason string, start bool) (worker.Result, error) {
	n, limit := delivery(t), o.cfg.MaxDeliveries
	if n >= limit {
		why := fmt.Sprintf("%s (gave up after %d deliveries)", reason, n)
		log.Error("giving up on the window", "step", StepRetryExhausted, "deliveries", n, "reason", reason)
		if err := o.move(ctx, t, w, events.SegmentPending, events.SegmentFailed, func(e *events.SegmentStatusChanged) {
			e.Reason, e.Deliveries = why, n
		}); err != nil {
			return worker.Result{}, err
		}
		return worker.Failed(name, why), nil
	}
	if start {
		o.cfg.Pool.TryStart(ctx)
	}
	if err := o.move(ctx, t, w, events.SegmentPending, events.SegmentPending, func(e *events.SegmentStatusChanged) {
		e.Reason = fmt.Sprintf("%s; delivery %d of %d in %s", reason, n+1, limit, d)
		e.Deliveries = n
	}); err != nil {
		return worker.Result{}, err
	}
	log.Info("window deferred", "step", StepRetryScheduled, "delay_ms", d.Milliseconds(), "next_delivery", n+1,
		"max_deliveries", limit, "reason", reason)
	return worker.Deferred(d, reason), nil
}

// enrichment is what is stored next to the frames.
type enrichment struct {
	SegmentId string   `json:"segmentId"`
	Caption   string   `json:"caption"`
	Entities  []Entity `json:"entities"`
	Triples   []Triple `json:"triples"`
}

// gpuPath captions, extracts entities and triples, and embeds; it returns
// an error for anything that should be tried again later.
func (o *Operators) gpuPath(ctx context.Context, t *worker.Task, w Window, seg *view.Segment, url string, log *slog.Logger) (worker.Result, error) {
	keys, err := o.frames(ctx, w)
	if err != nil {
		return worker.Result{}, err
	}
	if len(keys) == 0 {
		return worker.Result{}, fmt.Errorf("the frames under %s are gone", w.Dir())
	}
	frames, err := o.load(ctx, keys, o.cfg.CaptionFrames)
	if err != nil {
		return worker.Result{}, err
	}
	caption, err := o.cfg.GPU.Caption(ctx, url, frames, seg.Transcript)
	if err != nil {
		return worker.Result{}, err
	}
	log.Info("caption generated", "step", StepCaptionGenerated, "caption_preview", preview(caption, 80))
	text := caption
	if seg.Transcript != "" {
		text += "\n" + seg.Transcript
	}
	entities, err := o.cfg.GPU.Entities(ctx, url, text)
	if err != nil {
		return worker.Result{}, err
	}
	log.Info("entities extracted", "step", StepNERComplete, "entity_count", len(entities))
	triples, err := o.cfg.GPU.Triples(ctx, url, text, entities)
	if err != nil {
		return worker.Result{}, err
	}
	log.Info("triples extracted", "step", StepTriplesExtracted, "triple_count", len(triples))
	if err := o.putJSON(ctx, w.Dir()+EnrichmentFile, enrichment{SegmentId: w.SegmentID(), Caption: caption,
		Entities: entities, Triples: triples}); err != nil {
		return worker.Result{}, err
	}

	// Best effort: a failed embedding is logged, not fatal.
	visual := false
	if err := o.embed(ctx, url, w, keys); err != nil {
		log.Warn("visual embedding failed", "step", StepEmbeddingFailed, "error", err.Error())
	} else {
		visual = true
		log.Info("visual embedding stored", "step", StepEmbeddingStored)
	}

	n := delivery(t)
	if err := o.move(ctx, t, w, events.SegmentPending, events.SegmentComplete, func(e *events.SegmentStatusChanged) {
		e.Caption, e.Enriched, e.EntityCount, e.TripleCount, e.VisualStored = caption, true, len(entities), len(triples), visual
		e.Deliveries = n
	}); err != nil {
		return worker.Result{}, err
	}
	log.Info("window complete", "step", StepCompleted, "entity_count", len(entities), "triple_count", len(triples), "visual_stored", visual)
	return answer(map[string]any{"status": AnswerOK, "segmentId": w.SegmentID(), "enriched": true,
		"entityCount": len(entities), "tripleCount": len(triples), "visualStored": visual}), nil
}

func (o *Operators) embed(ctx context.Context, url string, w Window, keys []string) error {
	frames, err := o.load(ctx, keys, o.cfg.EmbedFrames)
	if err != nil {
		return err
	}
	vec, err := o.cfg.GPU.Embed(ctx, url, frames)
	if err != nil {
		return err
	}
	return o.putJSON(ctx, w.Dir()+EmbeddingFile, map[string]any{"segmentId": w.SegmentID(), "embedding": vec})
}

// load reads up to k uniformly sampled frames.
func (o *Operators) load(ctx context.Context, keys []string, k int) ([]Frame, error) {
	var out []Frame
	for _, i := range sample(len(keys), k) {
		rc, _, err := o.cfg.Store.Get(ctx, o.cfg.Bucket, keys[i])
		if err != nil {
			return nil, fmt.Errorf("read frame %s: %w", keys[i], err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxReply))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("read frame %s: %w", keys[i], err)
		}
		out = append(out, Frame{Key: keys[i], Image: b})
	}
	return out, nil
}

func (o *Operators) putJSON(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := o.cfg.Store.Put(ctx, o.cfg.Bucket, key, bytes.NewReader(b), int64(len(b)), "application/json"); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	return nil
}

func preview(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
