package relay

import (
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/topics"
)

// startKafka returns a cluster for one test (see kafkatest.Start) with the
// target topic and a tier topic for each of tiers.
func startKafka(t *testing.T, tiers ...time.Duration) (broker.Config, topics.Catalog) {
	t.Helper()
	kafka, cat := kafkatest.Start(t)
	specs := []topics.Spec{cat.TaskSpec(targetOf(cat))}
	for _, d := range tiers {
		specs = append(specs, topics.Spec{Name: cat.Tier(d), Partitions: kafkatest.Partitions, Retention: time.Hour})
	}
	kafkatest.Ensure(t, kafka, specs...)
	return kafka, cat
}

// targetOf is the topic the tests delay records to.
func targetOf(cat topics.Catalog) string { return cat.Prefix + "target" }
