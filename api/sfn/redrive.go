package sfn

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/mie-kafka/mie/events"
)

// RedriveExecutionInput is RedriveExecution's request.
type RedriveExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	ClientToken  string `json:"clientToken"`
}

// RedriveExecutionOutput is its answer.
type RedriveExecutionOutput struct {
	RedriveDate Epoch `json:"redriveDate"`
}

// clientTokenLife is how long a redrive's clientToken makes a repeat of
// it answer the first redrive (AWS's 8 hours).
const clientTokenLife = 8 * time.Hour

// redrives remembers the clientTokens of recent redrives (in this
// process: a repeat through another API instance redrives again, which
// the executor ignores unless the execution has ended again).
type redrives struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// RedriveExecution runs a FAILED, TIMED_OUT or ABORTED STANDARD execution
// again from where it failed (the engine's part: see the
// RedriveExecution command). ExecutionNotRedrivable says why one may not
// be.
func (s *Service) RedriveExecution(ctx context.Context, in *RedriveExecutionInput) (*RedriveExecutionOutput, error) {
	if in.ClientToken != "" {
		if err := checkLength("clientToken", in.ClientToken, 1, 64); err != nil {
			return nil, err
		}
	}
	r, err := s.execution(ctx, "executionArn", in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	key := r.X.Id + "/" + in.ClientToken
	if at, ok := s.redriven(key, now); ok && in.ClientToken != "" {
		return &RedriveExecutionOutput{RedriveDate: epoch(at)}, nil
	}
	if reason := s.notRedrivable(r, now); reason != "" {
		return nil, fault(ExecutionNotRedrivable, "Execution Not Redrivable: '%s': %s", r.Arn, reason)
	}
	id := r.X.Id
	// The projections do not tell where an execution's ExecutionQueued
	// sits: an executor that no longer holds the ended execution seeks its
	// partition to the execution's creation time (QueuedAt).
	if err := s.cfg.Commands.Send(ctx, id, &events.RedriveExecution{ExecutionId: id, QueuedAt: r.X.Created}); err != nil {
		return nil, err
	}
	s.remember(key, now)
	before := r.X.Version
	deadline := time.Now().Add(s.cfg.VisibleTimeout)
	for time.Now().Before(deadline) {
		x, err := s.cfg.Executions.Execution(ctx, id)
		if err != nil || x.Version > before {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return &RedriveExecutionOutput{RedriveDate: epoch(now)}, nil
}

func (s *Service) redriven(key string, now time.Time) (time.Time, bool) {
	s.redrives.mu.Lock()
	defer s.redrives.mu.Unlock()
	for k, at := range s.redrives.seen {
		if now.Sub(at) > clientTokenLife {
			delete(s.redrives.seen, k)
		}
	}
	at, ok := s.redrives.seen[key]
	return at, ok
}

func (s *Service) remember(key string, now time.Time) {
	s.redrives.mu.Lock()
	defer s.redrives.mu.Unlock()
	if s.redrives.seen == nil {
		s.redrives.seen = map[string]time.Time{}
	}
	s.redrives.seen[key] = now
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
func itoa(n int) string { return strconv.Itoa(n) }
