package intrinsics

import (
	"math"
	"math/rand/v2"

	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// States.MathRandom(start, end[, seed]): an integer in [start, end). AWS
// drops fractions of start and end, and fails unless start < end. With a
// seed the result is that of Java's new Random(seed).nextInt(end-start)
// plus start, so one seed always gives one value.
func evalMathRandom(c *Call, env Env, args []any) (any, error) {
	start, ok := truncInt(args[0])
	if !ok {
		return nil, c.failArg(0, "(start) must be an integer, not %s", text(args[0]))
	}
	end, ok := truncInt(args[1])
	if !ok {
		return nil, c.failArg(1, "(end) must be an integer, not %s", text(args[1]))
	}
	if start >= end {
		return nil, c.fail("start %d must be less than end %d", start, end)
	}
	span := end - start
	if len(args) == 3 {
		seed, ok := seedValue(args[2])
		if !ok {
			return nil, c.failArg(2, "(seed) must be an integer, not %s", text(args[2]))
		}
		if span > math.MaxInt32 {
			return nil, c.fail("end - start is %d; with a seed it must not exceed 2147483647", span)
		}
		return jsonvalue.Int64(start + newJavaRandom(seed).nextInt(span)), nil
	}
	r := rand.Float64
	if env.Random != nil {
		r = env.Random
	}
	n := int64(math.Floor(r() * float64(span)))
	n = min(max(n, 0), span-1)
	return jsonvalue.Int64(start + n), nil
}

func seedValue(v any) (int64, bool) {
	if _, ok := v.(bool); ok {
		return 0, false
	}
	if i, ok := jsonvalue.Int(v); ok {
		return i, true
	}
	f, ok := jsonvalue.Float(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return int64(f), true
}

// States.MathAdd(a, b): the sum of two integers. AWS rounds fractions to
// the nearest integer; operands and sum must fit in an int32.
func evalMathAdd(c *Call, _ Env, args []any) (any, error) {
	var n [2]int64
	for i := range n {
		v, ok := roundInt(args[i])
		if !ok {
			return nil, c.failArg(i, "must be an integer between -2147483648 and 2147483647, not %s", text(args[i]))
		}
		n[i] = v
	}
	sum := n[0] + n[1]
	if sum < math.MinInt32 || sum > math.MaxInt32 {
		return nil, c.fail("the sum %d is outside -2147483648..2147483647", sum)
	}
	return jsonvalue.Int64(sum), nil
}

// javaRandom is java.util.Random's linear congruential generator.
type javaRandom struct{ seed uint64 }

const (
	javaMultiplier = 0x5DEECE66D
	javaMask       = 1<<48 - 1
)

func newJavaRandom(seed int64) *javaRandom {
	return &javaRandom{seed: (uint64(seed) ^ javaMultiplier) & javaMask}
}

func (r *javaRandom) next(bits uint) int32 {
	r.seed = (r.seed*javaMultiplier + 0xB) & javaMask
	return int32(int64(r.seed) >> (48 - bits))
}

// nextInt is Random.nextInt(bound) for 0 < bound <= 2^31-1.
func (r *javaRandom) nextInt(bound int64) int64 {
	if bound&(bound-1) == 0 {
		return (bound * int64(r.next(31))) >> 31
	}
	for {
		bits := int64(r.next(31))
		val := bits % bound
		if int32(bits-val+(bound-1)) >= 0 {
			return val
		}
	}
}
