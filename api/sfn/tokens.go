package sfn

import (
	"context"
	"errors"
	"sync"

	"github.com/mie-kafka/mie/internal/problem"
)

// handedOut remembers the activity tasks this instance handed to workers
// (by token: the execution, run and attempt they belong to), so that
// their answers are checked against the execution's view, not its whole
// history. Any other token (a .waitForTaskToken task's, one handed out by
// another instance) is checked against the history.
type handedOut struct {
	mu   sync.Mutex
	refs map[string]handedTask
	// ring holds the tokens in the order remembered; the oldest goes when
	// it is full.
	ring []string
	next int
}

type handedTask struct {
	execution string
	run       int32
	attempt   int
}

// maxHandedOut bounds the tokens remembered.
const maxHandedOut = 1 << 16

func (h *handedOut) add(token string, ref handedTask) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.refs == nil {
		h.refs, h.ring = map[string]handedTask{}, make([]string, maxHandedOut)
	}
	if old := h.ring[h.next]; old != "" {
		delete(h.refs, old)
	}
	h.ring[h.next], h.refs[token] = token, ref
	h.next = (h.next + 1) % len(h.ring)
}

func (h *handedOut) get(token string) (handedTask, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ref, ok := h.refs[token]
	return ref, ok
}

// forget drops an answered token: a second answer is checked against the
// history, which says the task is over.
func (h *handedOut) forget(token string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.refs, token)
}

// viewState says from the execution's view whether the task of ref
// waits; known is false when the view does not show its run yet.
func (s *Service) viewState(ctx context.Context, ref handedTask) (st tokenStatus, known bool, err error) {
	x, err := s.cfg.Executions.Execution(ctx, ref.execution)
	switch {
	case errors.Is(err, problem.ErrNotFound):
		return tokenUnknown, false, nil // this instance's projection is behind
	case err != nil || x.Run == nil:
		return tokenUnknown, false, err
	}
	if terminal(x) {
		return tokenOver, true, nil
	}
	for _, r := range x.Run.States {
		if r.Run != ref.run {
			continue
		}
		if r.Status == "RUNNING" && r.Attempt == ref.attempt {
			return tokenWaiting, true, nil
		}
		if r.Attempt >= ref.attempt {
			return tokenOver, true, nil
		}
	}
	return tokenUnknown, false, nil
}
