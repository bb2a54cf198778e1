package reaper

import (
	"strings"
	"testing"
	"time"
)

// The reaper's behaviour is tested end to end with the real engine in
// cmd/mie/app (TestIngestReaper); here, its configuration.
func TestConfig(t *testing.T) {
	err := Config{Deadline: -time.Second, Interval: -1}.Validate()
	for _, want := range []string{"Kafka brokers", "Catalog", "Deadline", "Interval", "Redriver", "Logger"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to name %s", err, want)
		}
	}
	c := Config{Deadline: time.Hour}.withDefaults()
	if c.Interval != time.Minute || c.MaxRedrives != DefaultMaxRedrives || c.Now == nil {
		t.Errorf("defaults = %+v", c)
	}
	if c := (Config{Deadline: time.Second, MaxRedrives: -1}).withDefaults(); c.Interval != 250*time.Millisecond || c.MaxRedrives != 0 {
		t.Errorf("short deadline: interval %s, redrives %d", c.Interval, c.MaxRedrives)
	}
}
