package asl

import (
	"time"

	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonata"
)

// Retrier is one element of a state's "Retry".
type Retrier struct {
	Comment         string
	ErrorEquals     []string
	IntervalSeconds int64 // default 1
	// interval is a compiled program's exact (fractional) interval.
	interval        time.Duration
	MaxAttempts     int64   // default 3; 0 means never retry
	BackoffRate     float64 // default 2.0
	MaxDelaySeconds int64   // 0 when unset: no cap
	JitterStrategy  JitterStrategy
}

// Catcher is one element of a state's "Catch".
type Catcher struct {
	Comment     string
	ErrorEquals []string
	Next        string
	ResultPath  dataflow.ResultPath // JSONPath; absent means "$"
	Output      *jsonata.Value      // JSONata
	Assign      *Assign
}

// Limits on retriers, as AWS documents them.
const (
	maxSeconds         = 99999999
	maxRetryDelay      = 31622400
	maxBackoffRate     = 99999999
	retryDefaultWait   = 1
	retryDefaultTries  = 3
	retryDefaultFactor = 2.0
)

var (
	retrierFields = fieldSet{"Comment": langBoth, "ErrorEquals": langBoth, "IntervalSeconds": langBoth, "MaxAttempts": langBoth,
		"BackoffRate": langBoth, "MaxDelaySeconds": langBoth, "JitterStrategy": langBoth}
	catcherFields = fieldSet{"Comment": langBoth, "ErrorEquals": langBoth, "Next": langBoth, "ResultPath": langPath,
		"Output": langAta, "Assign": langBoth}
)

// parseRetry reads a state's "Retry".
func (p *parser) parseRetry(r *reader) []Retrier {
	elems := p.handlers(r, "Retry")
	out := make([]Retrier, 0, len(elems))
	for i, er := range elems {
		er.check(retrierFields)
		er.require("ErrorEquals")
		rt := Retrier{IntervalSeconds: retryDefaultWait, MaxAttempts: retryDefaultTries, BackoffRate: retryDefaultFactor}
		rt.Comment, _ = er.str("Comment")
		rt.ErrorEquals = p.errorEquals(er)
		if p.opts.Compiled {
			if v, ok := er.number("IntervalSeconds", 0.001, maxSeconds); ok {
				rt.IntervalSeconds, rt.interval = int64(v), time.Duration(v*float64(time.Second))
			}
		} else if v, ok := er.integer("IntervalSeconds", 1, maxSeconds); ok {
			rt.IntervalSeconds = v
		}
		if v, ok := er.integer("MaxAttempts", 0, maxSeconds); ok {
			rt.MaxAttempts = v
		}
		if v, ok := er.number("BackoffRate", 1, maxBackoffRate); ok {
			rt.BackoffRate = v
		}
		rt.MaxDelaySeconds, _ = er.integer("MaxDelaySeconds", 1, maxRetryDelay)
		if s, ok := er.str("JitterStrategy"); ok {
			switch s {
			case "FULL":
				rt.JitterStrategy = JitterFull
			case "NONE":
			default:
				p.ps.schema(er.field("JitterStrategy"), "Field 'JitterStrategy' must be one of [FULL, NONE], not %q", s)
			}
		}
		out = append(out, rt)
		p.afterAll(r.field("Retry"), i, rt.ErrorEquals, "Retrier")
	}
	return out
}

// parseCatch reads a state's "Catch".
func (p *parser) parseCatch(r *reader) []Catcher {
	elems := p.handlers(r, "Catch")
	out := make([]Catcher, 0, len(elems))
	for i, er := range elems {
		er.check(catcherFields)
		er.require("ErrorEquals", "Next")
		c := Catcher{}
		c.Comment, _ = er.str("Comment")
		c.ErrorEquals = p.errorEquals(er)
		c.Next = er.target("Next")
		c.ResultPath = er.resultPath("ResultPath")
		c.Output = er.jsonata("Output", accessErrorOutput)
		c.Assign = p.parseAssign(er, "Assign", accessErrorOutput)
		out = append(out, c)
		p.afterAll(r.field("Catch"), i, c.ErrorEquals, "Catcher")
	}
	return out
}

// handlers returns a reader for each object of the array field k.
func (p *parser) handlers(r *reader, k string) []*reader {
	arr, ok := r.arr(k)
	if !ok {
		return nil
	}
	at := r.field(k)
	out := make([]*reader, 0, len(arr))
	for i, v := range arr {
		o, ok := v.(*object)
		if !ok {
			p.ps.schema(at.index(i), "Each element of '%s' must be an object, not %s", k, jsonKind(v))
			continue
		}
		out = append(out, newReader(o, at.index(i), &p.ps, r.ql))
	}
	if len(out) < len(arr) {
		return nil // indices would no longer match; the problem is reported
	}
	return out
}

// errorEquals reads a non-empty ErrorEquals in which States.ALL, if
// present, is alone.
func (p *parser) errorEquals(r *reader) []string {
	arr, ok := r.arr("ErrorEquals")
	if !ok {
		return nil
	}
	at := r.field("ErrorEquals")
	if len(arr) == 0 {
		p.ps.schema(at, "Field 'ErrorEquals' must not be empty")
		return nil
	}
	names := make([]string, 0, len(arr))
	for i, v := range arr {
		s, ok := v.(string)
		if !ok {
			p.ps.schema(at.index(i), "Each error name must be a string, not %s", jsonKind(v))
			continue
		}
		names = append(names, s)
	}
	if len(arr) > 1 {
		for i, n := range names {
			if n == failure.ALL {
				p.ps.schema(at.index(i), "States.ALL must appear alone in ErrorEquals")
			}
		}
	}
	return names
}

// afterAll reports a retrier or catcher that follows one on States.ALL.
func (p *parser) afterAll(at loc, i int, names []string, what string) {
	if i == 0 {
		p.allSeen = false
	}
	if p.allSeen {
		p.ps.schema(at.index(i), "A %s that follows one with States.ALL is never used: States.ALL must be in the last %s", what, what)
	}
	for _, n := range names {
		if n == failure.ALL {
			p.allSeen = true
		}
	}
}
