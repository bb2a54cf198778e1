package app

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
)

// load is one load run: it starts executions and follows their ends on
// the executions topic.
type load struct {
	lc       LoadConfig
	startOne func(context.Context) (string, error)

	mu sync.Mutex
	// started are the executions whose end is awaited, by id, with when
	// they were started; ended the ends seen before their Start returned
	// (a fast run can end before the API answers).
	started map[string]time.Time
	ended   map[string]end
	lat     []time.Duration

	completed, failed, events, bytes, launched atomic.Int64
	startErr                                   atomic.Value
	// done wakes a closed loop's starter when an execution ends.
	done chan string
}

type end struct {
	typ string
	at  time.Time
}

// RunLoad defines the workload on a running App and drives it.
func RunLoad(ctx context.Context, a *App, lc LoadConfig) (BenchResult, error) {
	if a.DefinitionService == nil || a.Commands == nil {
		return BenchResult{}, errors.New("bench: needs the API role")
	}
	w, err := workloadOf(lc.Workload)
	if err != nil {
		return BenchResult{}, err
	}
	startOne, err := w.setup(ctx, a, lc.Concurrency)
	if err != nil {
		return BenchResult{}, err
	}
	l := &load{lc: lc, startOne: startOne, started: map[string]time.Time{}, ended: map[string]end{},
		done: make(chan string, lc.Concurrency)}
	cl, err := kgo.NewClient(a.kafka.Opts(kgo.ConsumeTopics(a.cat.Executions()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))...)
	if err != nil {
		return BenchResult{}, err
	}
	defer cl.Close()
	// Make sure the consumer has its positions before starting.
	pctx, pcancel := context.WithTimeout(ctx, 500*time.Millisecond)
	cl.PollFetches(pctx)
	pcancel()
	fctx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	go l.follow(fctx, cl)

	begin := time.Now()
	cpu0 := readProcStats().CPU
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if lc.Rate > 0 {
			l.openLoop(ctx)
		} else {
			l.closedLoop(ctx)
		}
	}()
	if err := l.await(ctx, begin); err != nil {
		return BenchResult{}, err
	}
	elapsed := time.Since(begin)
	wg.Wait()
	return l.result(elapsed, cpu0, time.Since(begin)), nil
}

// follow counts the records of the executions topic and ends the
// executions whose terminal event it sees.
func (l *load) follow(ctx context.Context, cl *kgo.Client) {
	for ctx.Err() == nil {
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
			l.events.Add(1)
			l.bytes.Add(int64(len(r.Value) + len(r.Key)))
			var typ string
			for _, h := range r.Headers {
				if h.Key == events.HeaderType {
					typ = string(h.Value)
				}
			}
			switch typ {
			case "ExecutionCompleted", "ExecutionFailed", "ExecutionCancelled", "ExecutionTimedOut":
			default:
				return
			}
			id := string(r.Key)
			l.mu.Lock()
			t0, ok := l.started[id]
			if ok {
				delete(l.started, id)
			} else {
				// It ended before Start returned: start counts it.
				l.ended[id] = end{typ: typ, at: r.Timestamp}
			}
			l.mu.Unlock()
			if ok {
				l.finish(id, typ, r.Timestamp.Sub(t0))
			}
		})
	}
}

func (l *load) finish(id, typ string, took time.Duration) {
	l.mu.Lock()
	l.lat = append(l.lat, took)
	l.mu.Unlock()
	if typ == "ExecutionCompleted" {
		l.completed.Add(1)
	} else {
		l.failed.Add(1)
	}
	select {
	case l.done <- id:
	default:
	}
}

// start starts one execution.
func (l *load) start(ctx context.Context) {
	t := time.Now()
	id, err := l.startOne(ctx)
	if err != nil {
		l.startErr.Store(err)
		return
	}
	l.mu.Lock()
	e, early := l.ended[id]
	if early {
		delete(l.ended, id)
	} else {
		l.started[id] = t
	}
	l.mu.Unlock()
	if early {
		l.finish(id, e.typ, e.at.Sub(t))
	}
}

// openLoop starts executions at lc.Rate a second, whatever ends.
func (l *load) openLoop(ctx context.Context) {
	every := time.Duration(float64(time.Second) / l.lc.Rate)
	next := time.Now()
	for i := 0; i < l.lc.Executions && ctx.Err() == nil; i++ {
		time.Sleep(time.Until(next))
		next = next.Add(every)
		l.launched.Add(1)
		go l.start(ctx)
	}
}

// closedLoop keeps lc.Concurrency executions in flight.
func (l *load) closedLoop(ctx context.Context) {
	sem := make(chan struct{}, l.lc.Concurrency)
	for i := 0; i < l.lc.Executions && ctx.Err() == nil; i++ {
		sem <- struct{}{}
		l.launched.Add(1)
		go func() {
			l.start(ctx)
			// Hold the slot until some execution ends.
			select {
			case <-l.done:
			case <-ctx.Done():
			case <-time.After(30 * time.Second):
			}
			<-sem
		}()
	}
}

// await waits until every execution ended, reporting progress each
// second.
func (l *load) await(ctx context.Context, begin time.Time) error {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	last := int64(0)
	for {
		c := l.completed.Load() + l.failed.Load()
		if err, ok := l.startErr.Load().(error); ok && err != nil {
			return fmt.Errorf("bench: start: %w", err)
		}
		if c >= int64(l.lc.Executions) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
			if l.lc.Progress != nil {
				el := time.Since(begin)
				fmt.Fprintf(l.lc.Progress, "  %6.1fs  started %d  completed %d/%d  %.0f/s now  %.0f/s avg\n",
					el.Seconds(), l.launched.Load(), c, l.lc.Executions, float64(c-last), float64(c)/el.Seconds())
			}
			last = c
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// result is what the run measured.
func (l *load) result(elapsed time.Duration, cpu0, wall time.Duration) BenchResult {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	ps := readProcStats()
	l.mu.Lock()
	defer l.mu.Unlock()
	sort.Slice(l.lat, func(i, j int) bool { return l.lat[i] < l.lat[j] })
	pct := func(p float64) time.Duration {
		if len(l.lat) == 0 {
			return 0
		}
		return l.lat[int(p*float64(len(l.lat)-1))].Round(time.Millisecond)
	}
	res := BenchResult{Started: int(l.launched.Load()), Completed: int(l.completed.Load()), Failed: int(l.failed.Load()),
		Elapsed: elapsed, P50: pct(.5), P90: pct(.9), P99: pct(.99), Events: l.events.Load(), EventBytes: l.bytes.Load(),
		HeapMiB: float64(ms.HeapInuse) / (1 << 20)}
	res.PerSecond = float64(res.Completed) / elapsed.Seconds()
	res.EventsPerSecond = float64(res.Events) / elapsed.Seconds()
	res.RSSMiB, res.PeakRSSMiB = ps.RSSMiB, ps.PeakRSSMiB
	res.CPUCores = (ps.CPU - cpu0).Seconds() / wall.Seconds()
	return res
}
