package console

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/view"
	"github.com/mie-kafka/mie/processors/worker/gpu"
)

// GPU reports the GPU worker pool (processors/worker/gpu.Pool).
type GPU interface {
	Check(ctx context.Context) gpu.Availability
}

// TopicStat is one topic of the engine: the records written to it (the
// sum of its partitions' end offsets; two readings a while apart give its
// throughput) and its depth, what the consumer groups reading it have not
// committed yet (the largest group's lag).
type TopicStat struct {
	Topic  string   `json:"Topic"`
	End    int64    `json:"End"`
	Depth  int64    `json:"Depth"`
	Groups []string `json:"Groups"`
}

// System is the system page: configuration, queues, projections, the GPU
// pool and the control plane's functions and triggers.
type System struct {
	Time             time.Time               `json:"Time"`
	Config           events.SystemConfigured `json:"Config"`
	Topics           []TopicStat             `json:"Topics"`
	TopicsError      string                  `json:"TopicsError,omitempty"`
	Projections      []view.Status           `json:"Projections"`
	ProjectionsError string                  `json:"ProjectionsError,omitempty"`
	GPU              *gpu.Availability       `json:"GPU,omitempty"`
	Functions        []events.Function       `json:"Functions"`
	Triggers         []events.UploadTrigger  `json:"Triggers"`
	Workflows        int                     `json:"Workflows"`
	Active           map[string]int          `json:"Active"`
}

func (c *Console) routeSystem(e *echo.Echo) {
	e.GET(API+"/system", func(ec echo.Context) error {
		ctx, cancel := context.WithTimeout(ec.Request().Context(), 10*time.Second)
		defer cancel()
		s := System{Time: time.Now().UTC(), Config: c.d.Definitions.SystemConfig(), Topics: []TopicStat{},
			Projections: []view.Status{}, Functions: nonNil(c.d.Definitions.Functions()),
			Triggers: nonNil(c.d.Definitions.Triggers()), Workflows: len(c.d.Definitions.Workflows()), Active: map[string]int{}}
		var err error
		if s.Topics, err = c.topicStats(ctx); err != nil {
			s.TopicsError = err.Error()
		}
		if c.d.Projections != nil {
			if s.Projections, err = c.d.Projections.Status(ctx); err != nil {
				s.ProjectionsError = err.Error()
			}
		}
		if c.d.GPU != nil {
			a := c.d.GPU.Check(ctx)
			s.GPU = &a
		}
		if xs, err := c.d.Executions.Executions(ctx, view.Filter{}); err == nil {
			for _, x := range xs {
				if !terminal(x) {
					s.Active[x.Status]++
				}
			}
		}
		return ec.JSON(http.StatusOK, s)
	})
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// topicStats reads the end offsets of the catalog's topics and the lag
// of the consumer groups under its prefix.
func (c *Console) topicStats(ctx context.Context) ([]TopicStat, error) {
	cl, err := kgo.NewClient(c.d.Kafka.Opts()...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	tds, err := adm.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, t := range tds.Names() {
		if strings.HasPrefix(t, c.d.Catalog.Prefix) && !strings.HasPrefix(t, "__") {
			names = append(names, t)
		}
	}
	ends, err := adm.ListEndOffsets(ctx, names...)
	if err != nil {
		return nil, err
	}
	stats := map[string]*TopicStat{}
	for _, n := range names {
		stats[n] = &TopicStat{Topic: n, Groups: []string{}}
	}
	ends.Each(func(o kadm.ListedOffset) {
		if s := stats[o.Topic]; s != nil && o.Err == nil {
			s.End += o.Offset
		}
	})
	if err := c.groupLags(ctx, adm, stats); err != nil {
		return nil, err
	}
	out := make([]TopicStat, 0, len(stats))
	for _, s := range stats {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out, nil
}

func (c *Console) groupLags(ctx context.Context, adm *kadm.Client, stats map[string]*TopicStat) error {
	listed, err := adm.ListGroups(ctx)
	if err != nil {
		return err
	}
	var groups []string
	for _, g := range listed.Groups() {
		if strings.HasPrefix(g, c.d.Catalog.Prefix) {
			groups = append(groups, g)
		}
	}
	if len(groups) == 0 {
		return nil
	}
	lags, err := adm.Lag(ctx, groups...)
	if err != nil {
		return err
	}
	lags.Each(func(l kadm.DescribedGroupLag) {
		for topic, parts := range l.Lag {
			s := stats[topic]
			if s == nil {
				continue
			}
			var sum int64
			for _, p := range parts {
				if p.Err == nil && p.Lag > 0 {
					sum += p.Lag
				}
			}
			s.Groups = append(s.Groups, l.Group)
			s.Depth = max(s.Depth, sum)
		}
	})
	return nil
}
