// Package delay addresses records for later delivery through the retry
// tier topics (retry.1s, retry.10s, retry.1m, retry.15m): Delay wraps a
// record for its tier, with the target topic and the due time in headers,
// and the relay (processors/relay) reads those headers back (Parse) to
// forward the record when it is due (Forward) or hop it on to another tier
// (Redelay).
package delay

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/internal/topics"
)

// Relay headers.
const (
	// HeaderTarget names the topic the record is delivered to when due.
	HeaderTarget = "mie-relay-target"
	// HeaderDue is the due time in unix milliseconds.
	HeaderDue = "mie-relay-due"
)

// ErrBadHeaders marks a record on a tier topic without valid relay headers.
var ErrBadHeaders = errors.New("invalid relay headers")

// Delay returns a copy of rec (key, value and headers) addressed to the
// retry tier for due-now, with rec.Topic as the target delivered to at due.
// The copy's timestamp is now: the relay measures time in a tier from it.
func Delay(rec *kgo.Record, due, now time.Time, cat topics.Catalog) *kgo.Record {
	return Redelay(rec, rec.Topic, due, now, cat, topics.Tiers)
}

// TierFor returns the tier to wait in for a remaining delay: the largest
// tier not above it, or the smallest tier if it is below all of them. tiers
// are sorted ascending and not empty.
func TierFor(remaining time.Duration, tiers []time.Duration) time.Duration {
	t := tiers[0]
	for _, d := range tiers {
		if d <= remaining {
			t = d
		}
	}
	return t
}

// Redelay is Delay with the target given and the tiers to choose from: the
// relay hops a record that is not due yet on to the tier for what remains.
func Redelay(rec *kgo.Record, target string, due, now time.Time, cat topics.Catalog, tiers []time.Duration) *kgo.Record {
	h := withoutRelayHeaders(rec.Headers)
	h = append(h,
		kgo.RecordHeader{Key: HeaderTarget, Value: []byte(target)},
		kgo.RecordHeader{Key: HeaderDue, Value: []byte(strconv.FormatInt(due.UnixMilli(), 10))},
	)
	return &kgo.Record{
		Topic:     cat.Tier(TierFor(due.Sub(now), tiers)),
		Key:       rec.Key,
		Value:     rec.Value,
		Headers:   h,
		Timestamp: now,
	}
}

// Forward returns the record to deliver to target at due time, without
// the relay headers.
func Forward(rec *kgo.Record, target string, now time.Time) *kgo.Record {
	return &kgo.Record{
		Topic:     target,
		Key:       rec.Key,
		Value:     rec.Value,
		Headers:   withoutRelayHeaders(rec.Headers),
		Timestamp: now,
	}
}

func withoutRelayHeaders(hs []kgo.RecordHeader) []kgo.RecordHeader {
	out := make([]kgo.RecordHeader, 0, len(hs)+2)
	for _, h := range hs {
		if h.Key != HeaderTarget && h.Key != HeaderDue {
			out = append(out, h)
		}
	}
	return out
}

// Parse reads a delayed record's target and due time; a record without
// valid headers gives an error wrapping ErrBadHeaders.
func Parse(rec *kgo.Record) (target string, due time.Time, err error) {
	var dueRaw string
	var haveTarget, haveDue bool
	for _, h := range rec.Headers {
		switch h.Key {
		case HeaderTarget:
			target, haveTarget = string(h.Value), true
		case HeaderDue:
			dueRaw, haveDue = string(h.Value), true
		}
	}
	switch {
	case !haveTarget || target == "":
		return "", time.Time{}, fmt.Errorf("%w: no %s header", ErrBadHeaders, HeaderTarget)
	case !haveDue:
		return "", time.Time{}, fmt.Errorf("%w: no %s header", ErrBadHeaders, HeaderDue)
	}
	ms, perr := strconv.ParseInt(dueRaw, 10, 64)
	if perr != nil {
		return "", time.Time{}, fmt.Errorf("%w: %s %q is not unix milliseconds", ErrBadHeaders, HeaderDue, dueRaw)
	}
	return target, time.UnixMilli(ms), nil
}

// CheckTiers reports what is wrong with a tier list.
func CheckTiers(tiers []time.Duration) error {
	if len(tiers) == 0 {
		return errors.New("delay: no Tiers")
	}
	var errs []error
	for _, d := range tiers {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("delay: tier %s is not positive", d))
		}
	}
	s := slices.Clone(tiers)
	slices.Sort(s)
	if len(slices.Compact(s)) != len(tiers) {
		errs = append(errs, fmt.Errorf("delay: Tiers %v has duplicates", tiers))
	}
	return errors.Join(errs...)
}
