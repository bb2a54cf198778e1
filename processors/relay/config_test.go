package relay

import (
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/broker"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name  string
		tiers []time.Duration
		want  string
	}{
		{name: "default tiers", want: ""},
		{name: "empty", tiers: []time.Duration{}, want: "no Tiers"},
		{name: "negative", tiers: []time.Duration{-time.Second, time.Second}, want: "tier -1s is not positive"},
		{name: "duplicate", tiers: []time.Duration{time.Second, time.Second}, want: "duplicates"},
	}
	kafka := broker.Config{Brokers: []string{"localhost:9092"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Config{Kafka: kafka, Tiers: tt.tiers}.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}
