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
	"time"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/cli"
)

// BenchResult is what one load run measured.
type BenchResult struct {
	Started, Completed, Failed int
	Elapsed                    time.Duration
	PerSecond                  float64
	P50, P90, P99              time.Duration
	// Events and EventBytes are the records (and their key and value
	// bytes) on the executions topic during the run.
	Events, EventBytes int64
	EventsPerSecond    float64
	HeapMiB            float64
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
	if res.Completed > 0 {
		fmt.Printf("  events      %.1f per execution, %.0f bytes per execution on the executions topic\n",
			float64(res.Events)/float64(res.Completed), float64(res.EventBytes)/float64(res.Completed))
	}
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
