package transcode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/internal/problem"
)

// Problem is one refused setting: its JSON path in the request and why.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// ValidationError is a request the transcoder will not run, with every
// problem found (not just the first). It matches problem.ErrInvalid; on
// MediaConvert the same request fails CreateJob with BadRequestException.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "invalid MediaConvert job: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, problem.ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == problem.ErrInvalid }

// Decode reads a CreateJob request and checks it: JSON types, field names
// (exactly as MediaConvert spells them; unknown ones are refused as
// MediaConvert refuses them), and then every setting with Validate. The
// error is a *ValidationError naming each problem's path.
func Decode(data []byte) (*CreateJobRequest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, &ValidationError{Problems: []Problem{{Path: "(request)", Message: "not JSON: " + err.Error()}}}
	}
	if dec.More() {
		return nil, &ValidationError{Problems: []Problem{{Path: "(request)", Message: "more than one JSON value"}}}
	}
	var probs []Problem
	walk(tree, reflect.TypeFor[CreateJobRequest](), "", &probs)
	var req CreateJobRequest
	if err := json.Unmarshal(data, &req); err != nil {
		// walk has named the wrong types; Unmarshal stops at the first.
		if len(probs) == 0 {
			probs = append(probs, Problem{Path: "(request)", Message: err.Error()})
		}
		return nil, &ValidationError{Problems: probs}
	}
	var raw struct {
		Settings json.RawMessage `json:"Settings"`
	}
	if err := json.Unmarshal(data, &raw); err == nil {
		req.settingsJSON = raw.Settings
	}
	// Unknown fields first, then every setting's problems.
	var ve *ValidationError
	if err := Validate(&req); errors.As(err, &ve) {
		probs = append(probs, ve.Problems...)
	}
	if len(probs) > 0 {
		return nil, &ValidationError{Problems: probs}
	}
	return &req, nil
}

// walk checks a decoded JSON value against the Go type it will be decoded
// into, appending a Problem for each wrong type or unknown field.
func walk(v any, t reflect.Type, path string, probs *[]Problem) {
	if v == nil {
		return // null: the setting is absent
	}
	bad := func(format string, args ...any) {
		*probs = append(*probs, Problem{Path: pathOr(path), Message: fmt.Sprintf(format, args...)})
	}
	switch t.Kind() {
	case reflect.Pointer:
		walk(v, t.Elem(), path, probs)
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			bad("must be an object, not %s", jsonKind(v))
			return
		}
		walkStruct(obj, t, path, probs)
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			bad("must be an object, not %s", jsonKind(v))
			return
		}
		for _, k := range sortedKeys(obj) {
			walk(obj[k], t.Elem(), fmt.Sprintf("%s[%s]", pathOr(path), strconv.Quote(k)), probs)
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			bad("must be an array, not %s", jsonKind(v))
			return
		}
		for i, e := range arr {
			walk(e, t.Elem(), fmt.Sprintf("%s[%d]", pathOr(path), i), probs)
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			bad("must be a string, not %s", jsonKind(v))
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			bad("must be true or false, not %s", jsonKind(v))
		}
	case reflect.Int:
		n, ok := v.(json.Number)
		if !ok {
			bad("must be an integer, not %s", jsonKind(v))
			return
		}
		if i, err := n.Int64(); err != nil || i < math.MinInt32 || i > math.MaxInt32 {
			bad("must be a 32-bit integer, not %s", n)
		}
	case reflect.Float64:
		if _, ok := v.(json.Number); !ok {
			bad("must be a number, not %s", jsonKind(v))
		}
	}
}

func walkStruct(obj map[string]any, t reflect.Type, path string, probs *[]Problem) {
	fields := jsonFields(t)
	for _, k := range sortedKeys(obj) {
		sub := k
		if path != "" {
			sub = path + "." + k
		}
		if f, ok := fields[k]; ok {
			walk(obj[k], f.Type, sub, probs)
			continue
		}
		*probs = append(*probs, Problem{Path: sub, Message: unknownField(t, k, fields)})
	}
}

// unknownField says why a field name is refused: a MediaConvert setting
// this transcoder cannot honour, or not a MediaConvert setting at all.
func unknownField(t reflect.Type, name string, fields map[string]reflect.StructField) string {
	if slices.Contains(unsupportedFields[t.Name()], name) {
		return "not supported by this transcoder (MediaConvert's " + t.Name() + "." + name + ")"
	}
	for known := range fields {
		if strings.EqualFold(known, name) {
			return fmt.Sprintf("unknown field; MediaConvert's name is %q (names are case-sensitive)", known)
		}
	}
	return "unknown field (MediaConvert rejects unknown fields)"
}

// jsonFields maps a struct's exported fields by their JSON name.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := make(map[string]reflect.StructField, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name != "-" {
			out[name] = f
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func jsonKind(v any) string {
	switch v := v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "the number " + v.String()
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "null"
}

func pathOr(p string) string {
	if p == "" {
		return "(request)"
	}
	return p
}
