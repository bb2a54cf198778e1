package jsonata

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"math/rand/v2"
	"reflect"

	"github.com/google/uuid"
)

// The six functions Step Functions adds to JSONata ("JSONata functions
// provided by Step Functions"). AWS documents their purpose; the edge cases
// (undefined results, error texts, rounding towards zero) are as a third
// party measured them on AWS, see doc.go.

type funcSpec struct {
	arity int
	fn    func(st *evalState, args []reflect.Value) (reflect.Value, error)
}

var stepFunctions = map[string]funcSpec{
	"partition": {2, partition},
	"range":     {3, rangeFn},
	"hash":      {2, hashFn},
	"random":    {1, random},
	"uuid":      {0, uuidFn},
	"parse":     {1, parseFn},
}

// arg returns argument i, undefined when the call left it out.
func arg(args []reflect.Value, i int) reflect.Value {
	if i < len(args) {
		return args[i]
	}
	return undefined
}

// isUndefined reports an undefined argument.
func isUndefined(v reflect.Value) bool { return !v.IsValid() }

func signatureErr(fn string, n int) error {
	return coded("T0410", "Argument %d of function %q does not match function signature", n, fn)
}

// surplus refuses an argument past the function's arity, as AWS does.
func surplus(args []reflect.Value, fn string, arity int) error {
	for i := arity; i < len(args); i++ {
		if args[i].IsValid() {
			return signatureErr(fn, i+1)
		}
	}
	return nil
}

// integer reads a numeric argument rounded towards zero, as AWS rounds an
// integer parameter given a fraction.
func integer(v reflect.Value, fn string, n int) (int64, error) {
	f, ok := number(v)
	if !ok {
		return 0, signatureErr(fn, n)
	}
	if f >= 9.2e18 || f <= -9.2e18 || f != f {
		return 0, coded("D3137", "Argument %d of function %q is out of range", n, fn)
	}
	return int64(f), nil
}

func number(v reflect.Value) (float64, bool) {
	r := resolve(v)
	switch r.Kind() {
	case reflect.Float32, reflect.Float64:
		return r.Float(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(r.Int()), true
	}
	return 0, false
}

func str(v reflect.Value) (string, bool) {
	r := resolve(v)
	if r.Kind() == reflect.String {
		return r.String(), true
	}
	return "", false
}

// partition splits an array into chunks: $partition(array, chunkSize).
func partition(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	if err := surplus(args, "partition", 2); err != nil {
		return undefined, err
	}
	a := arg(args, 0)
	if isUndefined(a) {
		return undefined, nil
	}
	arr := resolve(a)
	if arr.Kind() != reflect.Slice {
		return undefined, coded("T0412", `Argument 1 of function "partition" must be an array of undefined`)
	}
	if arr.Len() == 0 {
		return undefined, nil
	}
	items := make([]any, arr.Len())
	for i := range items {
		items[i] = arr.Index(i).Interface()
	}
	if isUndefined(arg(args, 1)) {
		return reflect.ValueOf([]any{items}), nil
	}
	size, err := integer(arg(args, 1), "partition", 2)
	switch {
	case err != nil:
		return undefined, err
	case size < 0:
		return undefined, coded("D3137", "Second argument must be zero or greater")
	case size == 0:
		return undefined, nil
	}
	sz := int(min(size, int64(len(items))))
	var chunks []any
	for i := 0; i < len(items); i += sz {
		chunks = append(chunks, append([]any(nil), items[i:min(i+sz, len(items))]...))
	}
	return reflect.ValueOf(chunks), nil
}

// rangeFn generates start, start+step, ... up to end: $range(start, end, step).
func rangeFn(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	if err := surplus(args, "range", 3); err != nil {
		return undefined, err
	}
	start, err := integer(arg(args, 0), "range", 1)
	if err != nil {
		return undefined, err
	}
	end, err := integer(arg(args, 1), "range", 2)
	if err != nil {
		return undefined, err
	}
	if isUndefined(arg(args, 2)) {
		return undefined, nil
	}
	step, err := integer(arg(args, 2), "range", 3)
	if err != nil {
		return undefined, err
	}
	if step == 0 || (step > 0 && start > end) || (step < 0 && start < end) {
		return undefined, nil
	}
	if start == end {
		return reflect.ValueOf(float64(start)), nil
	}
	// Counted before allocating; float64 so a huge span cannot overflow.
	n := (float64(end)-float64(start))/float64(step) + 1
	if n > MaxRangeItems {
		return undefined, errMemory
	}
	out := make([]any, 0, int(n))
	for v, i := start, 0; i < int(n); v, i = v+step, i+1 {
		out = append(out, float64(v))
	}
	return reflect.ValueOf(out), nil
}

var hashes = map[string]func() hash.Hash{
	"MD5": md5.New, "SHA-1": sha1.New, "SHA-256": sha256.New, "SHA-384": sha512.New384, "SHA-512": sha512.New,
}

// hashFn is the hex digest of a string's UTF-8 bytes: $hash(data, algorithm).
func hashFn(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	if err := surplus(args, "hash", 2); err != nil {
		return undefined, err
	}
	data, ok := str(arg(args, 0))
	if !ok {
		return undefined, signatureErr("hash", 1)
	}
	if isUndefined(arg(args, 1)) {
		return undefined, nil
	}
	alg, ok := str(arg(args, 1))
	if !ok {
		return undefined, signatureErr("hash", 2)
	}
	h, ok := hashes[alg]
	if !ok {
		return undefined, coded("D3137", "Hash algorithm '%s' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5", alg)
	}
	d := h()
	d.Write([]byte(data))
	return reflect.ValueOf(hex.EncodeToString(d.Sum(nil))), nil
}

// random is a number in [0, 1): Bindings.Random without a seed, and with
// one the first draw of java.util.Random seeded so, which is AWS's
// generator ($random(42) is 0.7275636800328681 there and here).
func random(st *evalState, args []reflect.Value) (reflect.Value, error) {
	if err := surplus(args, "random", 1); err != nil {
		return undefined, err
	}
	if isUndefined(arg(args, 0)) {
		if st.b.Random != nil {
			return reflect.ValueOf(st.b.Random()), nil
		}
		return reflect.ValueOf(rand.Float64()), nil
	}
	seed, err := integer(arg(args, 0), "random", 1)
	if err != nil {
		return undefined, err
	}
	return reflect.ValueOf(javaRandomDouble(seed)), nil
}

// javaRandomDouble is new java.util.Random(seed).nextDouble(): the 48-bit
// linear congruential generator of the Java platform specification.
func javaRandomDouble(seed int64) float64 {
	const mult, mask = 0x5DEECE66D, 1<<48 - 1
	s := (seed ^ mult) & mask
	next := func(bits uint) int64 {
		s = (s*mult + 0xB) & mask
		return s >> (48 - bits)
	}
	hi := next(26)
	lo := next(27)
	return float64(hi<<27+lo) / (1 << 53)
}

// uuidFn is a v4 UUID: Bindings.UUID, or a random one.
func uuidFn(st *evalState, args []reflect.Value) (reflect.Value, error) {
	if err := surplus(args, "uuid", 0); err != nil {
		return undefined, err
	}
	if st.b.UUID != nil {
		return reflect.ValueOf(st.b.UUID()), nil
	}
	return reflect.ValueOf(uuid.NewString()), nil
}

// parseFn deserialises a JSON string: $parse(json), AWS's replacement for the
// $eval it disables.
func parseFn(_ *evalState, args []reflect.Value) (reflect.Value, error) {
	if err := surplus(args, "parse", 1); err != nil {
		return undefined, err
	}
	a := arg(args, 0)
	if isUndefined(a) {
		return undefined, nil
	}
	s, ok := str(a)
	if !ok {
		return undefined, signatureErr("parse", 1)
	}
	v, err := parseStrict(s)
	if err != nil {
		return undefined, coded("D3137", "Invalid JSON")
	}
	lib, err := toLib(v)
	if err != nil {
		return undefined, coded("D3137", "Invalid JSON")
	}
	return reflect.ValueOf(lib), nil
}
