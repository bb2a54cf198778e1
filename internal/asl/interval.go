package asl

import "time"

// Interval is the retrier's wait before its first retry.
func (r *Retrier) Interval() time.Duration {
	if r.interval > 0 {
		return r.interval
	}
	return time.Duration(r.IntervalSeconds) * time.Second
}
