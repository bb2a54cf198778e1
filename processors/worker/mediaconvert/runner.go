package mediaconvert

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/internal/transact"
)

// RunnerName names the runners: their consumer group is
// Catalog.Group(RunnerName).
const RunnerName = "mie-mediaconvert-runner"

// RunnerConfig configures a Runner.
type RunnerConfig struct {
	Config
	Kafka   broker.Config
	Catalog topics.Catalog
	// Instance names this process in job documents and in the runners'
	// transactional ids (stable across restarts); default "mie".
	Instance string
	// SessionTimeout is how soon the group notices a dead runner, and so
	// how soon its job is delivered again; default transact's (10s).
	SessionTimeout time.Duration
	// Concurrency is how many jobs run at once in this process, one per
	// member of the runners' group; default 1 (ffmpeg uses every core).
	// Jobs are spread by partition: a job waits for the runner that owns
	// its partition, even while another is idle.
	Concurrency int
	// LeaseTimeout: a job whose runner has not renewed its document for
	// this long is taken over by the runner it is delivered to; default
	// 30s. A live runner renews every ProgressInterval.
	LeaseTimeout time.Duration
	// ProgressInterval is how often a running job's document is written
	// (progress, lease) and its cancel and watch documents read; default
	// 2s. Status and phase changes are written at once.
	ProgressInterval time.Duration
	// AbandonAfter cancels a .sync job that no Task has checked on for
	// this long (its execution stopped or failed over); default 5m.
	AbandonAfter time.Duration
	// DrainTimeout is how long a running job may go on after shutdown
	// begins before ffmpeg is killed and the job left for another runner;
	// default 5s.
	DrainTimeout time.Duration
}

// Validate reports every problem with the configuration.
func (c *RunnerConfig) Validate() error {
	errs := []error{c.Config.Validate()}
	if c.Transcoder == nil {
		errs = append(errs, errors.New("mediaconvert runner: a Transcoder is required (run no runner where ffmpeg is missing)"))
	}
	if err := c.Kafka.Validate(); err != nil {
		errs = append(errs, err)
	}
	for name, d := range map[string]time.Duration{"SessionTimeout": c.SessionTimeout, "LeaseTimeout": c.LeaseTimeout,
		"ProgressInterval": c.ProgressInterval, "AbandonAfter": c.AbandonAfter, "DrainTimeout": c.DrainTimeout} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("mediaconvert runner: %s %s is negative", name, d))
		}
	}
	if c.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("mediaconvert runner: Concurrency %d is negative", c.Concurrency))
	}
	c2 := *c
	c2.runnerDefaults()
	if c2.ProgressInterval >= c2.LeaseTimeout {
		errs = append(errs, fmt.Errorf("mediaconvert runner: ProgressInterval %s must be shorter than LeaseTimeout %s",
			c2.ProgressInterval, c2.LeaseTimeout))
	}
	return errors.Join(errs...)
}

func (c *RunnerConfig) runnerDefaults() {
	c.defaults()
	if c.Instance == "" {
		c.Instance = "mie"
	}
	if c.Concurrency == 0 {
		c.Concurrency = 1
	}
	if c.LeaseTimeout == 0 {
		c.LeaseTimeout = 30 * time.Second
	}
	if c.ProgressInterval == 0 {
		c.ProgressInterval = min(2*time.Second, c.LeaseTimeout/3)
	}
	if c.AbandonAfter == 0 {
		c.AbandonAfter = 5 * time.Minute
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = 5 * time.Second
	}
}

// Runner runs the jobs of the jobs topic: Concurrency slots, each a member
// of the runners' group running one job per transaction.
type Runner struct {
	cfg   RunnerConfig
	slots []*slot
}

// NewRunner validates cfg and applies its defaults.
func NewRunner(cfg RunnerConfig) (*Runner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.runnerDefaults()
	r := &Runner{cfg: cfg}
	for i := range cfg.Concurrency {
		s := &slot{r: r, id: strconv.Itoa(i)}
		rt, err := transact.NewRuntime(transact.Config{
			Name: RunnerName, Kafka: cfg.Kafka, Catalog: cfg.Catalog, Topics: []string{cfg.JobsTopic},
			TransactionalID: cfg.Catalog.Group(RunnerName + "-" + cfg.Instance + "-" + s.id),
			SessionTimeout:  cfg.SessionTimeout, MaxPollRecords: 1, DrainTimeout: cfg.DrainTimeout,
			Logger: cfg.Logger.With("runner", RunnerName, "slot", s.id), OnRevoked: s.revoked,
		}, transact.ProcessorFunc(s.batch))
		if err != nil {
			return nil, err
		}
		s.rt = rt
		r.slots = append(r.slots, s)
	}
	return r, nil
}

// Run runs jobs until ctx ends; a job still running DrainTimeout after
// that is cancelled and left, uncommitted, for another runner.
func (r *Runner) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, s := range r.slots {
		wg.Go(func() { _ = s.rt.Run(ctx) })
	}
	wg.Wait()
	return nil
}

// slot is one member of the runners' group.
type slot struct {
	r  *Runner
	id string
	rt *transact.Runtime

	mu      sync.Mutex
	current *running
}

// running is the job a slot runs, for cancelling it when its partition is
// revoked.
type running struct {
	partition int32
	cancel    context.CancelCauseFunc
}

// errRevoked: the job's partition moved to another runner.
var errRevoked = errors.New("the job's partition was revoked")

// revoked cancels the slot's job if its partition went elsewhere: the new
// owner runs it (the revoked batch cannot commit anyway).
func (s *slot) revoked(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return
	}
	for _, p := range lost[s.r.cfg.JobsTopic] {
		if p == s.current.partition {
			s.current.cancel(errRevoked)
		}
	}
}

func (s *slot) track(rec *kgo.Record, cancel context.CancelCauseFunc) func() {
	s.mu.Lock()
	s.current = &running{partition: rec.Partition, cancel: cancel}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.current = nil
		s.mu.Unlock()
	}
}

// batch runs one job record. The offset commits when the job has ended
// (or the record is dead-lettered); a job interrupted before its end
// aborts the transaction, so the record is delivered again.
func (s *slot) batch(ctx context.Context, b *transact.Batch) error {
	if len(b.Records) == 0 {
		return nil
	}
	if err := b.Begin(); err != nil {
		return err
	}
	b.Each(func(rec *kgo.Record) {
		env, p, err := events.DecodeRecord(rec)
		if err != nil {
			b.DeadLetter(rec, deadletter.ReasonUndecodable, err)
			return
		}
		job, ok := p.(*events.MediaConvertJob)
		if !ok || job.JobId == "" {
			b.DeadLetter(rec, deadletter.ReasonUnexpectedType, fmt.Errorf("%w: %s is not a MediaConvertJob with a JobId", events.ErrMalformed, env.Type))
			return
		}
		if err := s.run(ctx, rec, job); err != nil {
			b.Out.Fail(err)
		}
	})
	committed, err := b.End()
	if err != nil {
		return err
	}
	if !committed {
		s.r.cfg.Logger.Debug("mediaconvert job left for redelivery", "slot", s.id)
	}
	return nil
}
