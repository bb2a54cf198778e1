package broker

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// MaxHeartbeatInterval is franz-go's default heartbeat interval, kept for
// long session timeouts.
const MaxHeartbeatInterval = 3 * time.Second

// SessionOpts are the consumer group options for a session timeout: the
// timeout and a heartbeat interval of a third of it (at most 3s). Apache
// Kafka expires a member whose heartbeats are a session timeout apart, so
// franz-go's fixed 3s default would lose every member of a 3s session.
func SessionOpts(session time.Duration) []kgo.Opt {
	hb := min(session/3, MaxHeartbeatInterval)
	return []kgo.Opt{kgo.SessionTimeout(session), kgo.HeartbeatInterval(hb)}
}

// SessionTimeoutError says that the brokers refuse a consumer group session
// timeout: every join would fail with INVALID_SESSION_TIMEOUT.
type SessionTimeoutError struct {
	Session  time.Duration
	Min, Max time.Duration
}

func (e *SessionTimeoutError) Error() string {
	return fmt.Sprintf("session timeout %s is outside the range the Kafka brokers allow, %s to %s "+
		"(group.min.session.timeout.ms and group.max.session.timeout.ms): set --session-timeout "+
		"(MIE_SESSION_TIMEOUT) within it", e.Session, e.Min, e.Max)
}

// CheckSessionTimeout compares a consumer group session timeout with the
// range the brokers allow. It returns a *SessionTimeoutError when it is
// outside; when the range cannot be read (for example, no permission to
// describe the cluster's configuration) it returns nil and the group join
// reports the problem instead.
func CheckSessionTimeout(ctx context.Context, cl *kgo.Client, session time.Duration) error {
	adm := kadm.NewClient(cl)
	// Each broker's own configuration: describing the cluster default
	// (no broker id) returns dynamic settings only, not the static ones.
	brokers, err := adm.ListBrokers(ctx)
	if err != nil || len(brokers) == 0 {
		return nil
	}
	rcs, err := adm.DescribeBrokerConfigs(ctx, brokers.NodeIDs()...)
	if err != nil {
		return nil
	}
	limit := map[string]time.Duration{}
	for _, rc := range rcs {
		if rc.Err != nil {
			continue
		}
		for _, c := range rc.Configs {
			if c.Key != "group.min.session.timeout.ms" && c.Key != "group.max.session.timeout.ms" || c.Value == nil {
				continue
			}
			ms, err := strconv.ParseInt(*c.Value, 10, 64)
			if err != nil {
				continue
			}
			d := time.Duration(ms) * time.Millisecond
			// With several brokers the narrowest range applies.
			if prev, ok := limit[c.Key]; !ok ||
				c.Key == "group.min.session.timeout.ms" && d > prev ||
				c.Key == "group.max.session.timeout.ms" && d < prev {
				limit[c.Key] = d
			}
		}
	}
	lo, okLo := limit["group.min.session.timeout.ms"]
	hi, okHi := limit["group.max.session.timeout.ms"]
	if !okLo || !okHi {
		return nil
	}
	if session < lo || session > hi {
		return &SessionTimeoutError{Session: session, Min: lo, Max: hi}
	}
	return nil
}
