package worker

import (
	"context"
	"errors"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
)

// ErrNoTransaction is returned by Emit outside a Runtime's task.
var ErrNoTransaction = errors.New("worker: Emit needs a task run by a Runtime")

// Emit adds an event to the running task's transaction: it is produced to
// topic with key, before the task's result, and commits exactly when the
// result does (an aborted batch drops both, and the redelivered task emits
// again). Its envelope is caused by the task and correlated with the
// execution. The ingest window uses it for segment transitions.
func Emit(ctx context.Context, topic, key string, p events.Payload) error {
	em, ok := ctx.Value(emitterKey{}).(*emitter)
	if !ok {
		return ErrNoTransaction
	}
	if topic == "" || key == "" {
		return errors.New("worker: Emit needs a topic and a key")
	}
	em.mu.Lock()
	defer em.mu.Unlock()
	em.out = append(em.out, emission{topic: topic, key: key, p: p})
	return nil
}

type emitterKey struct{}

type emission struct {
	topic, key string
	p          events.Payload
}

// emitter collects one task's emissions.
type emitter struct {
	mu  sync.Mutex
	out []emission
}

func withEmitter(ctx context.Context, em *emitter) context.Context {
	return context.WithValue(ctx, emitterKey{}, em)
}

// records encodes the emissions, caused by the task record.
func (em *emitter) records(cause *events.Envelope, rec *kgo.Record, t *Task) ([]*kgo.Record, error) {
	em.mu.Lock()
	defer em.mu.Unlock()
	out := make([]*kgo.Record, 0, len(em.out))
	for _, e := range em.out {
		env, err := events.New(e.key, Producer, e.p)
		if err != nil {
			return nil, err
		}
		env.CorrelationID = t.WorkflowExecutionId
		env.CausedBy(cause, events.PositionOf(rec))
		kr, err := env.Record(e.topic)
		if err != nil {
			return nil, err
		}
		out = append(out, kr)
	}
	return out, nil
}
