package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/cli"
)

// BenchResult is what one load run measured.
type BenchResult struct {
	Started, Completed, Failed int
	Elapsed                    time.Duration
	PerSecond                  float64
	P50, P90, P99              time.Duration
	Events                     int64
	EventsPerSecond            float64
	HeapMiB                    float64
	// RSSMiB and PeakRSSMiB are the process's resident memory at the end
	// and its peak; CPUCores is the CPU time the process used during the
	// run divided by its length (2 is all of a 2-core machine).
	RSSMiB, PeakRSSMiB float64
	CPUCores           float64
}

// BenchConfig is the settings of `mie bench`: the engine's, and the load
// run's.
type BenchConfig struct {
	Config
	Workload                string
	Executions, Concurrency int
	Rate                    float64
	CPUProfile, MemProfile  string
	KeepTopics              bool
}

// BenchFlagSet is the settings of `mie bench` on a Set reading the
// environment through lookup, bound to the BenchConfig it returns.
func BenchFlagSet(lookup cli.Lookup) (*cli.Set, *BenchConfig) {
	bc := &BenchConfig{}
	s := cli.New("mie bench", lookup)
	Bind(s, "bench", &bc.Config)
	s.Bool(&bc.KeepTopics, "keep-topics", "", false, "with --kafka, keep the run's topics (deleted by default)")
	s.String(&bc.Workload, "workload", "", "mie", "what to start: "+workloadList())
	s.Int(&bc.Executions, "executions", "", 2000, "executions to complete")
	s.Int(&bc.Concurrency, "concurrency", "", 256, "executions in flight (closed loop)")
	s.Float(&bc.Rate, "rate", "", 0, "start this many executions per second (open loop); 0 = closed loop")
	s.String(&bc.CPUProfile, "cpuprofile", "", "", "write a CPU profile of the load run to this file")
	s.String(&bc.MemProfile, "memprofile", "", "", "write a heap profile (live objects after a GC) at the end of the run to this file")
	s.Check(func() error {
		if bc.Executions < 1 || bc.Concurrency < 1 || bc.Rate < 0 {
			return errors.New("--executions and --concurrency must be positive, --rate not negative")
		}
		_, err := workloadOf(bc.Workload)
		return err
	})
	return s, bc
}

// ParseBench reads the settings of `mie bench` from args and the
// environment (lookup is os.LookupEnv). It returns flag.ErrHelp for -h.
func ParseBench(args []string, lookup cli.Lookup) (BenchConfig, error) {
	s, bc := BenchFlagSet(lookup)
	if err := s.Parse(args); err != nil {
		return BenchConfig{}, err
	}
	return *bc, nil
}

// Bench is `mie bench`: it starts executions of a workload (by default a
// 3-stage workflow with 2 Passthrough operators per stage), against the embedded default (a fresh
// temporary data directory) or --kafka, closed-loop at --concurrency or
// open-loop at --rate, and reports completed executions/s and
// start-to-complete latency.
func Bench(ctx context.Context, bc BenchConfig) error {
	cfg, n := bc.Config, bc.Executions
	if len(cfg.Kafka) == 0 {
		dir, err := os.MkdirTemp("", "mie-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.DataDir = dir
	} else {
		cfg.TopicPrefix = fmt.Sprintf("%sbench-%d.", cfg.TopicPrefix, time.Now().UnixNano())
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.Operators = []string{"Passthrough"}
	if cfg.Log.Level == slog.LevelInfo {
		cfg.Log.Level = slog.LevelWarn
	}
	a, err := Start(ctx, cfg, Roles{API: true, Executor: true, Worker: true}, cfg.Logger())
	if err != nil {
		return err
	}
	if len(cfg.Kafka) > 0 && !bc.KeepTopics {
		defer deleteBenchTopics(cfg)
	}
	defer a.Shutdown(context.Background())
	if bc.CPUProfile != "" {
		f, err := os.Create(bc.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	w, _ := workloadOf(bc.Workload)
	res, err := RunLoad(ctx, a, LoadConfig{Workload: bc.Workload, Executions: n, Concurrency: bc.Concurrency, Rate: bc.Rate, Progress: os.Stderr})
	if err != nil {
		return err
	}
	if bc.MemProfile != "" {
		if err := writeHeapProfile(bc.MemProfile); err != nil {
			return err
		}
	}
	fmt.Printf("mie bench: %d executions of %s, exactly-once, %s\n", n, w.Describe, brokerDesc(cfg))
	fmt.Printf("  completed   %d (failed %d) in %s\n", res.Completed, res.Failed, res.Elapsed.Round(time.Millisecond))
	fmt.Printf("  throughput  %.1f executions/s, %.0f events/s\n", res.PerSecond, res.EventsPerSecond)
	fmt.Printf("  latency     p50 %s  p90 %s  p99 %s (start to complete)\n", res.P50, res.P90, res.P99)
	fmt.Printf("  memory      heap %.0f MiB in use at the end, RSS %.0f MiB (peak %.0f MiB); whole process: %s, engine, projection\n",
		res.HeapMiB, res.RSSMiB, res.PeakRSSMiB, map[bool]string{true: "embedded broker", false: "clients"}[len(cfg.Kafka) == 0])
	fmt.Printf("  cpu         %.2f cores used by this process during the run\n", res.CPUCores)
	return nil
}

// writeHeapProfile writes the live heap, after a collection, to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("bench: heap profile: %w", err)
	}
	return f.Close()
}

// deleteBenchTopics deletes the topics of a run against a real cluster
// (they carry the run's own prefix).
func deleteBenchTopics(cfg Config) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := broker.DeleteTopicsWithPrefix(ctx, broker.Config{Brokers: cfg.Kafka, ClientID: "mie-bench"}, cfg.TopicPrefix); err != nil {
		fmt.Fprintln(os.Stderr, "mie bench:", err)
	}
}

func brokerDesc(c Config) string {
	if len(c.Kafka) == 0 {
		return "embedded broker"
	}
	return fmt.Sprintf("broker %v", c.Kafka)
}

// LoadConfig shapes a load run.
type LoadConfig struct {
	// Workload names what is started (see Workloads); empty is "mie".
	Workload    string
	Executions  int
	Concurrency int
	Rate        float64
	Progress    io.Writer
}

// RunLoad defines the bench workflow on a running App and drives it.
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
	// Follow completions on the executions topic.
	var mu sync.Mutex
	started := map[string]time.Time{}
	var lat []time.Duration
	var completed, failed atomic.Int64
	var eventsSeen atomic.Int64
	done := make(chan string, lc.Concurrency)
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
	// ended holds terminal events of executions whose Start has not
	// returned yet (a fast run can end before the API answers).
	type end struct {
		typ string
		at  time.Time
	}
	ended := map[string]end{}
	finish := func(id, typ string, took time.Duration) {
		mu.Lock()
		lat = append(lat, took)
		mu.Unlock()
		if typ == "ExecutionCompleted" {
			completed.Add(1)
		} else {
			failed.Add(1)
		}
		select {
		case done <- id:
		default:
		}
	}
	go func() {
		for fctx.Err() == nil {
			fs := cl.PollFetches(fctx)
			fs.EachRecord(func(r *kgo.Record) {
				eventsSeen.Add(1)
				var typ string
				for _, h := range r.Headers {
					if h.Key == events.HeaderType {
						typ = string(h.Value)
					}
				}
				if typ != "ExecutionCompleted" && typ != "ExecutionFailed" && typ != "ExecutionCancelled" && typ != "ExecutionTimedOut" {
					return
				}
				id := string(r.Key)
				mu.Lock()
				t0, ok := started[id]
				if ok {
					delete(started, id)
				} else {
					// It ended before Start returned: start() counts it.
					ended[id] = end{typ: typ, at: r.Timestamp}
				}
				mu.Unlock()
				if ok {
					finish(id, typ, r.Timestamp.Sub(t0))
				}
			})
		}
	}()

	begin := time.Now()
	cpu0 := readProcStats().CPU
	var startErr atomic.Value
	var launched atomic.Int64
	start := func() {
		t := time.Now()
		id, err := startOne(ctx)
		if err != nil {
			startErr.Store(err)
			return
		}
		mu.Lock()
		e, early := ended[id]
		if early {
			delete(ended, id)
		} else {
			started[id] = t
		}
		mu.Unlock()
		if early {
			finish(id, e.typ, e.at.Sub(t))
		}
	}
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	var wg sync.WaitGroup
	if lc.Rate > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			every := time.Duration(float64(time.Second) / lc.Rate)
			next := time.Now()
			for i := 0; i < lc.Executions && ctx.Err() == nil; i++ {
				time.Sleep(time.Until(next))
				next = next.Add(every)
				launched.Add(1)
				go start()
			}
		}()
	} else {
		sem := make(chan struct{}, lc.Concurrency)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < lc.Executions && ctx.Err() == nil; i++ {
				sem <- struct{}{}
				launched.Add(1)
				go func() {
					start()
					// Hold the slot until some execution ends.
					select {
					case <-done:
					case <-ctx.Done():
					case <-time.After(30 * time.Second):
					}
					<-sem
				}()
			}
		}()
	}
	last := int64(0)
	for {
		c := completed.Load() + failed.Load()
		if err, ok := startErr.Load().(error); ok && err != nil {
			return BenchResult{}, fmt.Errorf("bench: start: %w", err)
		}
		if c >= int64(lc.Executions) {
			break
		}
		select {
		case <-ctx.Done():
			return BenchResult{}, ctx.Err()
		case <-ticker.C:
			if lc.Progress != nil {
				el := time.Since(begin)
				fmt.Fprintf(lc.Progress, "  %6.1fs  started %d  completed %d/%d  %.0f/s now  %.0f/s avg\n",
					el.Seconds(), launched.Load(), c, lc.Executions, float64(c-last), float64(c)/el.Seconds())
			}
			last = c
		case <-time.After(100 * time.Millisecond):
		}
	}
	elapsed := time.Since(begin)
	wg.Wait()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	ps := readProcStats()
	mu.Lock()
	defer mu.Unlock()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(p*float64(len(lat)-1))].Round(time.Millisecond)
	}
	res := BenchResult{Started: int(launched.Load()), Completed: int(completed.Load()), Failed: int(failed.Load()),
		Elapsed: elapsed, P50: pct(.5), P90: pct(.9), P99: pct(.99), Events: eventsSeen.Load(), HeapMiB: float64(ms.HeapInuse) / (1 << 20)}
	res.PerSecond = float64(res.Completed) / elapsed.Seconds()
	res.EventsPerSecond = float64(res.Events) / elapsed.Seconds()
	res.RSSMiB, res.PeakRSSMiB = ps.RSSMiB, ps.PeakRSSMiB
	res.CPUCores = (ps.CPU - cpu0).Seconds() / time.Since(begin).Seconds()
	return res, nil
}
