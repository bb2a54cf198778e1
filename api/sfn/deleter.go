package sfn

import (
	"context"
	"time"

	"github.com/mie-kafka/mie/events"
)

// DeleteInterval is how often Run looks for DELETING state machines whose
// executions have ended.
const DeleteInterval = 2 * time.Second

// Run deletes, every DeleteInterval, the DELETING state machines that no
// execution runs any more, until ctx is done. Every API instance may run
// it: a deletion is idempotent.
func (s *Service) Run(ctx context.Context) error {
	t := time.NewTicker(DeleteInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		s.finishDeletes(ctx)
	}
}

func (s *Service) finishDeletes(ctx context.Context) {
	for _, sm := range s.cfg.Store.StateMachines() {
		if sm.Status != events.StateMachineDeleting {
			continue
		}
		running, err := s.running(ctx, sm.Name)
		if err == nil && !running {
			err = s.cfg.Definitions.FinishDeleting(ctx, sm.Name)
		}
		if err != nil && ctx.Err() == nil {
			s.log.Warn("state machine deletion not finished", "state_machine", sm.Name, "err", err)
		}
	}
}
