package intrinsics

import (
	"encoding/json"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// javaHashSetOrder returns the distinct values of a in the order Java's
// new HashSet<>(a) iterates them, with the values as Java objects
// (Integer, Long, BigInteger, Double, String, Boolean, List, Map, null):
// that order is what Step Functions' States.ArrayUnique was observed to
// return ([true, false] gives [false, true], [[1,2],[2,1]] gives
// [[2,1],[1,2]]).
func javaHashSetOrder(a []any) []any {
	type entry struct {
		v    any
		hash int32
		key  string // identity under Java's equals
		seq  int
	}
	var entries []entry
	seen := make(map[string]bool, len(a))
	for _, v := range a {
		k := javaKey(v)
		if seen[k] {
			continue
		}
		seen[k] = true
		entries = append(entries, entry{v: v, hash: javaHash(v), key: k, seq: len(entries)})
	}
	// HashSet(Collection) sizes its table for the collection, so it does
	// not resize while adding.
	n := tableSizeFor(max(int(float32(len(a))/0.75)+1, 16))
	bucket := func(h int32) int {
		u := uint32(h)
		return int((u ^ u>>16) & uint32(n-1))
	}
	sort.SliceStable(entries, func(i, j int) bool { return bucket(entries[i].hash) < bucket(entries[j].hash) })
	out := make([]any, len(entries))
	for i, e := range entries {
		out[i] = e.v
	}
	return out
}

func tableSizeFor(c int) int {
	n := 1
	for n < c {
		n <<= 1
	}
	return n
}

// javaNumber classifies a JSON number as Jackson reads it into a Java
// object: an Integer, a Long or a BigInteger when integral (no fraction
// or exponent in the text), else a Double.
func javaNumber(v any) (kind byte, i int64, b *big.Int, f float64) {
	s := ""
	if n, ok := v.(json.Number); ok {
		s = string(n)
	} else if x, ok := v.(float64); ok {
		return 'D', 0, nil, x
	} else if x, ok := jsonvalue.Int(v); ok {
		s = strconv.FormatInt(x, 10)
	}
	if !strings.ContainsAny(s, ".eE") {
		if x, err := strconv.ParseInt(s, 10, 64); err == nil {
			if x >= math.MinInt32 && x <= math.MaxInt32 {
				return 'I', x, nil, 0
			}
			return 'L', x, nil, 0
		}
		if x, ok := new(big.Int).SetString(s, 10); ok {
			return 'B', 0, x, 0
		}
	}
	f, _ = jsonvalue.Float(v)
	return 'D', 0, nil, f
}

// javaHash is the Java hashCode of v as a Java object.
func javaHash(v any) int32 {
	switch x := v.(type) {
	case nil:
		return 0
	case bool:
		if x {
			return 1231
		}
		return 1237
	case string:
		var h int32
		for _, c := range utf16.Encode([]rune(x)) {
			h = 31*h + int32(c)
		}
		return h
	case []any:
		h := int32(1)
		for _, e := range x {
			h = 31*h + javaHash(e)
		}
		return h
	case map[string]any:
		var h int32
		for k, e := range x {
			h += javaHash(k) ^ javaHash(e)
		}
		return h
	}
	kind, i, b, f := javaNumber(v)
	switch kind {
	case 'I':
		return int32(i)
	case 'L':
		return int32(i) ^ int32(uint64(i)>>32)
	case 'B':
		return bigIntegerHash(b)
	}
	if f == 0 {
		f = 0 // Double.hashCode of -0.0 differs from 0.0; JSON -0 reads as -0.0
	}
	bits := math.Float64bits(f)
	return int32(bits) ^ int32(bits>>32)
}

// bigIntegerHash is BigInteger.hashCode: over the magnitude's 32-bit
// words, most significant first, times the sign.
func bigIntegerHash(b *big.Int) int32 {
	var h int32
	mag := new(big.Int).Abs(b).Bytes()
	for len(mag)%4 != 0 {
		mag = append([]byte{0}, mag...)
	}
	for i := 0; i < len(mag); i += 4 {
		w := int32(uint32(mag[i])<<24 | uint32(mag[i+1])<<16 | uint32(mag[i+2])<<8 | uint32(mag[i+3]))
		h = 31*h + w
	}
	return h * int32(b.Sign())
}

// javaKey is a string that two values share exactly when they are equal
// as Java objects: 1 and 1.0 differ (Integer and Double), members' order
// does not matter.
func javaKey(v any) string {
	switch x := v.(type) {
	case nil, bool, string:
		return jsonvalue.MustMarshal(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = javaKey(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("{")
		for _, k := range keys {
			b.WriteString(jsonvalue.MustMarshal(k) + ":" + javaKey(x[k]) + ",")
		}
		return b.String() + "}"
	}
	kind, i, b, f := javaNumber(v)
	switch kind {
	case 'I', 'L':
		return string(kind) + strconv.FormatInt(i, 10)
	case 'B':
		return "B" + b.String()
	}
	return "D" + strconv.FormatFloat(f, 'g', -1, 64)
}
