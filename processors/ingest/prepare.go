package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/processors/worker"
)

// Error names of the operators' failures (Result.Error), for retry
// policies; Cause holds the message.
const (
	ErrInvalidInput   = "IngestWindow.InvalidInput"
	ErrGPUUnavailable = "IngestWindow.GPUUnavailable"
	ErrGPUFailed      = "IngestWindow.GPUFailed"
	ErrSegmentFailed  = "IngestWindow.SegmentFailed"
)

// Answer statuses (the design's IngestWindowSuccess).
const (
	AnswerOK               = "ok"
	AnswerAlreadyProcessed = "already_processed"
	AnswerSkipped          = "skipped"
	// AnswerPending is Prepare's hand-over to Enrich: the GPU path is next.
	AnswerPending = "pending"
)

// prepare runs steps 1 to 5 of the design: idempotency, frames, audio and
// transcription, the pending segment, and the audio-only completion.
func (o *Operators) prepare(ctx context.Context, t *worker.Task) (worker.Result, error) {
	w, err := WindowFrom(t.Input.MetaData)
	if err != nil {
		return worker.Failed(ErrInvalidInput, err.Error()), nil
	}
	id := w.SegmentID()
	log := o.log.With("execution", t.WorkflowExecutionId, "operator", t.Name, "segment_id", id)
	log.Info("ingest window invoked", "step", StepInvoked, "session_id", w.SessionID, "user_id", w.UserID,
		"window_index", w.WindowIndex, "frame_count", w.FrameCount)

	// 1. Idempotency.
	seg, err := o.current(ctx, id)
	if err != nil {
		return worker.Result{}, err
	}
	if statusOf(seg) == events.SegmentComplete {
		log.Info("segment already complete", "step", StepAlreadyProcessed)
		return answer(map[string]any{"status": AnswerAlreadyProcessed, "segment_id": id}), nil
	}
	prev := statusOf(seg)

	// 2. Frames.
	frames, err := o.frames(ctx, w)
	if err != nil {
		return worker.Result{}, err
	}
	log.Info("frames loaded", "step", StepFramesLoaded, "frame_count", len(frames))
	if w.FrameCount > 0 && len(frames) == 0 {
		reason := fmt.Sprintf("no frames under %s/%sframe_*.jpg (%d announced)", o.cfg.Bucket, w.Dir(), w.FrameCount)
		log.Warn("no frames for the window", "step", StepNoFrames, "session_id", w.SessionID, "window_index", w.WindowIndex)
		if err := o.move(ctx, t, w, prev, events.SegmentSkipped, func(e *events.SegmentStatusChanged) { e.Reason = reason }); err != nil {
			return worker.Result{}, err
		}
		return answer(map[string]any{"status": AnswerSkipped, "reason": reason}), nil
	}

	// 3. Audio and its transcript.
	transcript, err := o.transcript(ctx, log, w)
	if err != nil {
		return worker.Result{}, err
	}

	// 4. The pending segment.
	if prev == events.SegmentPending {
		log.Info("segment already pending; processing it again", "step", StepSegmentRetrying)
	}
	pending := func(e *events.SegmentStatusChanged) {
		e.Transcript = transcript
		if prev == events.SegmentPending {
			e.Reason = "processing restarted by execution " + t.WorkflowExecutionId
		}
	}
	if err := o.move(ctx, t, w, prev, events.SegmentPending, pending); err != nil {
		return worker.Result{}, err
	}
	if prev != events.SegmentPending {
		log.Info("segment created", "step", StepSegmentCreated)
	}

	// 5. An audio-only window completes without the GPU.
	if w.FrameCount == 0 {
		if err := o.move(ctx, t, w, events.SegmentPending, events.SegmentComplete, nil); err != nil {
			return worker.Result{}, err
		}
		log.Info("audio-only window complete", "step", StepCompleted, "entity_count", 0, "triple_count", 0, "visual_stored", false)
		return answer(map[string]any{"status": AnswerOK, "segmentId": id, "enriched": false}), nil
	}
	return answer(map[string]any{"status": AnswerPending, "segmentId": id}), nil
}

// frames lists the window's frame_*.jpg keys in order.
func (o *Operators) frames(ctx context.Context, w Window) ([]string, error) {
	infos, err := o.list(ctx, w.Dir())
	if err != nil {
		return nil, err
	}
	var out []string
	for _, in := range infos {
		if isFrame(w.Dir(), in.Key) {
			out = append(out, in.Key)
		}
	}
	slices.Sort(out)
	return out, nil
}

// audio finds the window's own chunk, else the whole session's file
// (sessions/<id>/window_NNN/audio.<ext>, then sessions/<id>/audio.<ext>);
// "" when there is none.
func (o *Operators) audio(ctx context.Context, w Window) (key, source string, err error) {
	for _, c := range []struct{ dir, source string }{{w.Dir(), "window"}, {w.SessionDir(), "session"}} {
		infos, err := o.list(ctx, c.dir)
		if err != nil {
			return "", "", err
		}
		for _, in := range infos {
			if isAudio(c.dir, in.Key) {
				return in.Key, c.source, nil
			}
		}
	}
	return "", "", nil
}

func (o *Operators) transcript(ctx context.Context, log *slog.Logger, w Window) (string, error) {
	key, source, err := o.audio(ctx, w)
	if err != nil {
		return "", err
	}
	log.Info("audio loaded", "step", StepAudioLoaded, "has_audio", key != "", "source", source, "key", key)
	if key == "" {
		return "", nil
	}
	if o.cfg.Transcriber == nil || o.cfg.Transcriber.URL == "" {
		return "", fmt.Errorf("window %s has audio (%s) but no transcription endpoint is configured (--transcribe-url)", w.SegmentID(), key)
	}
	rc, _, err := o.cfg.Store.Get(ctx, o.cfg.Bucket, key)
	if err != nil {
		return "", fmt.Errorf("read audio %s: %w", key, err)
	}
	defer rc.Close()
	text, err := o.cfg.Transcriber.Transcribe(ctx, key, rc)
	if err != nil {
		return "", err
	}
	log.Info("transcription complete", "step", StepTranscriptionComplete, "transcript_length", len(text))
	return text, nil
}

// list lists a folder; a bucket that does not exist yet holds nothing.
func (o *Operators) list(ctx context.Context, prefix string) ([]objectstore.Info, error) {
	infos, err := o.cfg.Store.List(ctx, o.cfg.Bucket, prefix)
	if errors.Is(err, problem.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s/%s: %w", o.cfg.Bucket, prefix, err)
	}
	return infos, nil
}
