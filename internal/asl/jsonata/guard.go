package jsonata

import (
	"math"
	"reflect"
	"time"
)

// The bounds on one evaluation. AWS documents a 1 second timeout, a memory
// limit and a recursion limit without numbers; the numbers here are the
// ones a third party measured against AWS (see doc.go).
const (
	// Timeout bounds one evaluation's wall-clock time (AWS: 1 second).
	Timeout = time.Second
	// MaxDepth bounds how deeply evaluation nests (AWS: 100).
	MaxDepth = 100
	// MaxValueBytes bounds the result of one evaluation, counting eight
	// bytes for a number, boolean, null or container and one per string
	// byte (AWS refuses [1..873783], 873,783 numbers).
	MaxValueBytes = 873782 * 8
	// MaxNesting bounds the bracket nesting the parser is given, so that a
	// hostile expression cannot exhaust its stack.
	MaxNesting = 1000
	// MaxRangeItems bounds Step Functions' $range (AWS: 360,145 elements).
	MaxRangeItems = 360145
	// MaxRangeTotal bounds the elements all [lo..hi] ranges of one
	// evaluation allocate together.
	MaxRangeTotal = 10_000_000
)

// evalState is one evaluation's clock, call depth and bindings; the bridge's
// functions reach it through the callables bound for that evaluation.
type evalState struct {
	b        *Bindings
	deadline time.Time
	depth    int
	now      time.Time
	nowSet   bool
	los      []float64 // lower bounds of the ranges being evaluated
	ranged   float64   // elements allocated by ranges so far
}

func newEvalState(b *Bindings) *evalState {
	return &evalState{b: b, deadline: time.Now().Add(Timeout)}
}

// check fails once the evaluation has run past its deadline.
func (st *evalState) check() error {
	if time.Now().After(st.deadline) {
		return errTimeout
	}
	return nil
}

// clock is Bindings.Now, read once per evaluation as JSONata's $now and
// $millis are.
func (st *evalState) clock() time.Time {
	if !st.nowSet {
		st.now, st.nowSet = time.Now(), true
		if st.b.Now != nil {
			st.now = st.b.Now()
		}
	}
	return st.now
}

// builtin is a function the bridge binds per evaluation. It sees raw
// arguments, an invalid reflect.Value standing for undefined.
type builtin struct {
	name  string
	arity int
	st    *evalState
	fn    func(st *evalState, args []reflect.Value) (reflect.Value, error)
}

func (f *builtin) Name() string    { return f.name }
func (f *builtin) ParamCount() int { return f.arity }
func (f *builtin) Call(argv []reflect.Value) (reflect.Value, error) {
	if err := f.st.check(); err != nil {
		return undefined, err
	}
	return f.fn(f.st, argv)
}

var undefined reflect.Value

// guards are the functions instrument inserts.
var guards = map[string]funcSpec{
	guardEnter: {0, enter},
	guardLeave: {1, leave},
	guardCheck: {1, check},
	guardLo:    {1, rangeLo},
	guardHi:    {1, rangeHi},
}

// enter counts a lambda call and checks its arguments' size. AWS nests
// three levels per call of a recursive function plus five for the call
// site, and refuses depth 101.
func enter(st *evalState, args []reflect.Value) (reflect.Value, error) {
	st.depth++
	if st.depth*3+5 > MaxDepth {
		return undefined, errOverflow
	}
	for _, a := range args {
		if tooBig(a) {
			return undefined, errMemory
		}
	}
	return undefined, nil
}

// leave ends a lambda call, passing its result through.
func leave(st *evalState, args []reflect.Value) (reflect.Value, error) {
	st.depth--
	return check(st, args)
}

// check passes a value through, refusing a string or an array already past
// the value bound: that is how a doubling recursion or assignment would
// otherwise reach gigabytes before the clock stops it.
func check(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	if len(args) == 0 {
		return undefined, nil
	}
	if tooBig(args[0]) {
		return undefined, errMemory
	}
	return args[0], nil
}

// rangeLo records a range's lower bound and passes it through.
func rangeLo(st *evalState, args []reflect.Value) (reflect.Value, error) {
	a := arg(args, 0)
	lo, ok := number(a)
	if !ok {
		lo = math.NaN()
	}
	st.los = append(st.los, lo)
	return a, nil
}

// rangeHi charges the range whose lower bound rangeLo recorded. One range
// may hold as many numbers as one value (AWS refuses [1..900000] ~>
// $count()); all ranges of an evaluation, MaxRangeTotal.
func rangeHi(st *evalState, args []reflect.Value) (reflect.Value, error) {
	a := arg(args, 0)
	if len(st.los) == 0 {
		return a, nil
	}
	lo := st.los[len(st.los)-1]
	st.los = st.los[:len(st.los)-1]
	if hi, ok := number(a); ok && hi >= lo {
		n := hi - lo + 1
		st.ranged += n
		if n > MaxValueBytes/8 || st.ranged > MaxRangeTotal {
			return undefined, errMemory
		}
	}
	return a, nil
}

// tooBig is a cheap look at a value's top level against MaxValueBytes.
func tooBig(v reflect.Value) bool {
	r := resolve(v)
	if !r.IsValid() {
		return false
	}
	switch r.Kind() {
	case reflect.String:
		return r.Len() > MaxValueBytes
	case reflect.Slice, reflect.Map:
		return r.Len()*8 > MaxValueBytes
	}
	return false
}

// resolve follows interfaces and non-nil pointers.
func resolve(v reflect.Value) reflect.Value {
	for v.IsValid() && (v.Kind() == reflect.Interface || v.Kind() == reflect.Ptr) && !v.IsNil() {
		v = v.Elem()
	}
	return v
}
