package intrinsics

import (
	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// maxRange is the most items States.ArrayRange may produce.
const maxRange = 1000

func evalArray(_ *Call, _ Env, args []any) (any, error) {
	out := make([]any, len(args))
	copy(out, args)
	return out, nil
}

func (c *Call) array(args []any, i int) ([]any, error) {
	a, ok := args[i].([]any)
	if !ok {
		return nil, c.failArg(i, "must be an array, not %s", kind(args[i]))
	}
	return a, nil
}

// States.ArrayPartition(array, chunkSize): chunks of chunkSize items, the
// last one shorter. AWS drops a fraction of chunkSize.
func evalArrayPartition(c *Call, _ Env, args []any) (any, error) {
	a, err := c.array(args, 0)
	if err != nil {
		return nil, err
	}
	size, ok := truncInt(args[1])
	if !ok || size < 1 {
		return nil, c.failArg(1, "(chunk size) must be a positive integer, not %s", text(args[1]))
	}
	out := make([]any, 0, (len(a)+int(size)-1)/int(size))
	for start := 0; start < len(a); start += int(size) {
		end := min(start+int(size), len(a))
		chunk := make([]any, end-start)
		copy(chunk, a[start:end])
		out = append(out, chunk)
	}
	return out, nil
}

// States.ArrayContains(array, value). AWS compares values by their text
// (a string as it is, anything else as JSON), so true matches "true" and
// 1 matches "1".
func evalArrayContains(c *Call, _ Env, args []any) (any, error) {
	a, err := c.array(args, 0)
	if err != nil {
		return nil, err
	}
	want := text(args[1])
	for _, v := range a {
		if text(v) == want {
			return true, nil
		}
	}
	return false, nil
}

// States.ArrayRange(first, last, step): first, first+step, ... up to and
// including last. AWS drops fractions; step must not be 0 and the result
// must not exceed 1000 items.
func evalArrayRange(c *Call, _ Env, args []any) (any, error) {
	var n [3]int64
	for i, name := range []string{"(first)", "(last)", "(step)"} {
		v, ok := truncInt(args[i])
		if !ok {
			return nil, c.failArg(i, "%s must be an integer, not %s", name, text(args[i]))
		}
		n[i] = v
	}
	first, last, step := n[0], n[1], n[2]
	if step == 0 {
		return nil, c.failArg(2, "(step) must not be 0")
	}
	count := int64(0)
	if (step > 0 && first <= last) || (step < 0 && first >= last) {
		count = (last-first)/step + 1
	}
	if count > maxRange {
		return nil, c.fail("the range has %d items; at most %d are allowed", count, maxRange)
	}
	out := make([]any, count)
	for i := range out {
		out[i] = jsonvalue.Int64(first + int64(i)*step)
	}
	return out, nil
}

// States.ArrayGetItem(array, index). AWS drops a fraction of index, fails
// on a negative index or one past the end, but returns null for any index
// into an empty array.
func evalArrayGetItem(c *Call, _ Env, args []any) (any, error) {
	a, err := c.array(args, 0)
	if err != nil {
		return nil, err
	}
	idx, ok := truncInt(args[1])
	if !ok {
		return nil, c.failArg(1, "(index) must be an integer, not %s", text(args[1]))
	}
	if len(a) == 0 && idx >= 0 {
		return nil, nil
	}
	if idx < 0 || idx >= int64(len(a)) {
		return nil, c.failArg(1, "(index) %d is out of bounds for an array of %d items", idx, len(a))
	}
	return a[idx], nil
}

func evalArrayLength(c *Call, _ Env, args []any) (any, error) {
	a, err := c.array(args, 0)
	if err != nil {
		return nil, err
	}
	return jsonvalue.Int64(int64(len(a))), nil
}

// States.ArrayUnique(array): the distinct values, in the order of Java's
// HashSet, which is what AWS returns (see javaHashSetOrder). Values are
// equal as Java objects are: 1 and 1.0 differ, object member order does
// not matter.
func evalArrayUnique(c *Call, _ Env, args []any) (any, error) {
	a, err := c.array(args, 0)
	if err != nil {
		return nil, err
	}
	return javaHashSetOrder(a), nil
}
