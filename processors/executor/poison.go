package executor

import (
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/execution"
	"github.com/mie-kafka/mie/internal/transact"
)

// poison keeps one bad record from stopping its partition. When handling a
// record fails (the deciders panic), the batch is aborted: the state it
// applied in memory is rebuilt from the log and the batch is polled again.
// A record that has failed Config.MaxHandlerFailures times is dead-lettered
// (handler-failed) instead of handled, and the records behind it flow.
// Counts live in memory: a restart gives every record a fresh count, which
// costs a few more aborted batches and nothing else.
type poison struct {
	failures map[string]*failure
	// broken is set when a handler failed in the current batch: the rest
	// of the batch is skipped, since it will be aborted.
	broken bool
	// given are the records dead-lettered by the current batch; their
	// counts are dropped once it commits.
	given []string
}

type failure struct {
	count int
	err   error
}

func recordKey(r *kgo.Record) string {
	return r.Topic + "/" + strconv.Itoa(int(r.Partition)) + "@" + strconv.FormatInt(r.Offset, 10)
}

func (p *poison) begin() {
	p.broken = false
	p.given = p.given[:0]
}

func (p *poison) end(committed bool) {
	if committed {
		for _, k := range p.given {
			delete(p.failures, k)
		}
	}
	p.given = p.given[:0]
}

// givenUp reports whether r has failed limit times already, with the last
// failure.
func (p *poison) givenUp(r *kgo.Record, limit int) (error, bool) {
	k := recordKey(r)
	if f := p.failures[k]; f != nil && f.count >= limit {
		p.given = append(p.given, k)
		return f.err, true
	}
	return nil, false
}

// failed counts a failure of key and marks the batch broken.
func (p *poison) failed(key string, err error) int {
	f := p.failures[key]
	if f == nil {
		f = &failure{}
		p.failures[key] = f
	}
	f.count++
	f.err = err
	p.broken = true
	return f.count
}

// handleSafely handles r; a panic aborts the batch and counts against r.
func (x *Executor) handleSafely(out *transact.Producer, r *kgo.Record, now time.Time) {
	defer func() {
		if v := recover(); v != nil {
			err := fmt.Errorf("handling %s/%d@%d panicked: %v", r.Topic, r.Partition, r.Offset, v)
			n := x.poison.failed(recordKey(r), err)
			x.log.Error("handler failed; aborting the batch to retry it", "topic", r.Topic, "partition", r.Partition,
				"offset", r.Offset, "failures", n, "dead_letter_after", x.cfg.MaxHandlerFailures, "err", err,
				"stack", string(debug.Stack()))
			out.Fail(err)
		}
	}()
	x.handle(out, r, now)
}

// sweepSafely sweeps ex; a panic aborts the batch. An execution whose sweep
// has failed MaxHandlerFailures times is no longer swept (it has no input
// record to dead-letter): its operators then never time out, which the log
// says loudly. It reports whether the sweep may go on.
func (x *Executor) sweepSafely(out *transact.Producer, p *partition, ex *execution.Execution, now time.Time) (ok bool) {
	key := "sweep/" + ex.Id
	if f := x.poison.failures[key]; f != nil && f.count >= x.cfg.MaxHandlerFailures {
		return true
	}
	defer func() {
		if v := recover(); v != nil {
			err := fmt.Errorf("sweeping execution %s panicked: %v", ex.Id, v)
			n := x.poison.failed(key, err)
			x.log.Error("sweep failed; aborting the batch to retry it", "execution", ex.Id, "failures", n,
				"err", err, "stack", string(debug.Stack()))
			if n >= x.cfg.MaxHandlerFailures {
				x.log.Error("sweep keeps failing: this execution is no longer swept and its operators will not time out",
					"execution", ex.Id)
			}
			out.Fail(err)
			ok = false
		}
	}()
	x.sweepOne(out, p, ex, now)
	return true
}
