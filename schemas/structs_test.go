package schemas_test

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/events"
)

// TestSchemasFollowGoStructs walks every registered Go payload type next to
// the schema of its current version: each struct's json fields (those of
// embedded structs included, as jsonFields lists them) are exactly the
// schema's properties, the fields without omitempty or omitzero exactly its
// required ones, and closed structs forbid additional properties.
func TestSchemasFollowGoStructs(t *testing.T) {
	docs := loadDocs(t)
	for _, info := range events.Types() {
		t.Run(info.Type, func(t *testing.T) {
			file := "events/" + fileName(info)
			root, ok := docs[file]
			if !ok {
				t.Fatalf("no %s", file)
			}
			if got := root["x-mie-kind"]; got != string(info.Kind) {
				t.Errorf("x-mie-kind = %v, want %s", got, info.Kind)
			}
			s := &structWalker{t: t, docs: docs, seen: map[reflect.Type]bool{}}
			s.check(reflect.TypeOf(info.New()).Elem(), node{file, root}, info.Type)
		})
	}
}

func TestEnvelopeSchemaFollowsGoStruct(t *testing.T) {
	docs := loadDocs(t)
	s := &structWalker{t: t, docs: docs, seen: map[reflect.Type]bool{}}
	s.check(reflect.TypeFor[events.Envelope](), node{"envelope.v1.json", docs["envelope.v1.json"]}, "envelope")
}

// TestSharedDefsFollowGoStructs: the definitions whose properties payloads
// $ref for the members of an embedded struct follow that struct, so that
// the shared property schemas stay complete.
func TestSharedDefsFollowGoStructs(t *testing.T) {
	docs := loadDocs(t)
	const file = "events/defs.v1.json"
	defs, _ := docs[file]["$defs"].(map[string]any)
	for name, typ := range map[string]reflect.Type{
		"RunRef":     reflect.TypeFor[events.RunRef](),
		"Run":        reflect.TypeFor[events.Run](),
		"Invocation": reflect.TypeFor[events.Invocation](),
		"MapRunSpec": reflect.TypeFor[events.MapRunSpec](),
	} {
		t.Run(name, func(t *testing.T) {
			def, ok := defs[name].(map[string]any)
			if !ok {
				t.Fatalf("%s has no $defs/%s", file, name)
			}
			s := &structWalker{t: t, docs: docs, seen: map[reflect.Type]bool{}}
			s.check(typ, node{file, def}, "defs/"+name)
		})
	}
}

// TestJSONFieldsMatchEncodingJSON keeps jsonFields honest: for every
// registered payload type, and for structs that exercise promotion and
// hiding, the members it lists are the keys encoding/json writes for a
// value with every field set, and the required ones the keys it writes for
// the zero value.
func TestJSONFieldsMatchEncodingJSON(t *testing.T) {
	type inner struct {
		A string `json:"A"`
		B string `json:"B"`
		C string // hidden: other.C is at the same depth, neither tagged
	}
	type other struct {
		C string
		D int `json:"D,omitempty"`
	}
	type ptr struct {
		E string `json:"E"`
	}
	type tagged struct {
		F string `json:"F"`
	}
	type promoted struct {
		inner        // A promoted; B hidden by the shallower B below
		other        // D promoted
		*ptr         // E promoted, optional: absent when the pointer is nil
		Tag   tagged `json:"Tag"` // a named struct, not promoted
		B     int    `json:"B,omitzero"`
	}
	types := []reflect.Type{reflect.TypeFor[promoted]()}
	for _, info := range events.Types() {
		types = append(types, reflect.TypeOf(info.New()).Elem())
	}
	for _, typ := range types {
		t.Run(typ.Name(), func(t *testing.T) {
			fields, _ := jsonFields(typ)
			var all, required []string
			for _, f := range fields {
				all = append(all, f.name)
				if !f.optional {
					required = append(required, f.name)
				}
			}
			full := reflect.New(typ).Elem()
			fill(full, 3)
			if got := keys(t, full); !sameSet(got, all) {
				t.Errorf("encoding/json writes %v for a full value, jsonFields lists %v", got, all)
			}
			if got := keys(t, reflect.New(typ).Elem()); !sameSet(got, required) {
				t.Errorf("encoding/json writes %v for the zero value, jsonFields requires %v", got, required)
			}
		})
	}
}

// fill sets every field of v reachable within depth levels to a non-zero
// value.
func fill(v reflect.Value, depth int) {
	if depth < 0 || !v.CanSet() {
		return
	}
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(created))
	case v.Type() == rawType:
		v.SetBytes([]byte("1"))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Interface:
		v.Set(reflect.ValueOf("x"))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth-1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), depth-1)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth-1)
		fill(e, depth-1)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				fill(f, depth-1)
			} else if v.Type().Field(i).Anonymous && f.Kind() == reflect.Struct {
				// An unexported embedded struct: its exported fields are
				// still promoted, and settable through it.
				fill(reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem(), depth-1)
			}
		}
	}
}

// keys returns the member names of the JSON object encoding/json writes
// for v.
func keys(t *testing.T, v reflect.Value) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(must(json.Marshal(v.Interface())), &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

type node struct {
	file string
	m    map[string]any
}

type structWalker struct {
	t    *testing.T
	docs map[string]map[string]any
	seen map[reflect.Type]bool
}

var timeType = reflect.TypeFor[time.Time]()
var rawType = reflect.TypeFor[json.RawMessage]()

// resolve follows $ref until a node without one.
func (s *structWalker) resolve(n node) node {
	for {
		ref, ok := n.m["$ref"].(string)
		if !ok {
			return n
		}
		file, frag, _ := strings.Cut(ref, "#")
		if file == "" {
			file = n.file
		} else {
			file = filepath.ToSlash(filepath.Join(filepath.Dir(n.file), file))
		}
		m := s.docs[file]
		for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
			if tok != "" {
				m = m[tok].(map[string]any)
			}
		}
		n = node{file, m}
	}
}

func (s *structWalker) check(typ reflect.Type, n node, where string) {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	n = s.resolve(n)
	switch {
	case typ == timeType || typ == rawType:
		return
	case typ.Kind() == reflect.Map:
		if sub, ok := n.m["additionalProperties"].(map[string]any); ok {
			s.check(typ.Elem(), node{n.file, sub}, where+"/*")
		} else if isStruct(typ.Elem()) {
			s.t.Errorf("%s: map of %s has no additionalProperties schema", where, typ.Elem())
		}
		return
	case typ.Kind() == reflect.Slice:
		if sub, ok := n.m["items"].(map[string]any); ok {
			s.check(typ.Elem(), node{n.file, sub}, where+"/0")
		}
		return
	case typ.Kind() != reflect.Struct:
		return
	}
	if s.seen[typ] {
		return
	}
	s.seen[typ] = true

	props, _ := n.m["properties"].(map[string]any)
	var required []string
	for _, r := range asSlice(n.m["required"]) {
		required = append(required, r.(string))
	}
	if n.m["additionalProperties"] != false {
		s.t.Errorf("%s (%s): additionalProperties is not false", where, typ)
	}
	var names, wantRequired []string
	fields, hidden := jsonFields(typ)
	for _, name := range hidden {
		s.t.Errorf("%s (%s): encoding/json drops %s: two fields at the same depth claim the name", where, typ, name)
	}
	for _, f := range fields {
		name, ft := f.name, f.typ
		names = append(names, name)
		if !f.optional {
			wantRequired = append(wantRequired, name)
		}
		sub, ok := props[name].(map[string]any)
		if !ok {
			s.t.Errorf("%s (%s): field %s has no schema property", where, typ, name)
			continue
		}
		if !f.optional && (ft.Kind() == reflect.Map || ft.Kind() == reflect.Slice) && ft != rawType {
			if !allowsNull(s.resolve(node{n.file, sub})) {
				s.t.Errorf("%s/%s: Go encodes an empty %s as null; the schema must allow it", where, name, ft)
			}
		}
		s.check(ft, node{n.file, sub}, where+"/"+name)
	}
	for p := range props {
		if !slices.Contains(names, p) {
			s.t.Errorf("%s (%s): schema property %s has no Go field", where, typ, p)
		}
	}
	slices.Sort(required)
	slices.Sort(wantRequired)
	if !slices.Equal(required, wantRequired) {
		s.t.Errorf("%s (%s): required = %v, want the fields without omitempty %v", where, typ, required, wantRequired)
	}
}

// jsonField is one member of the JSON object encoding/json writes for a
// struct.
type jsonField struct {
	name     string
	typ      reflect.Type
	optional bool // omitempty or omitzero, or promoted from an embedded pointer
	depth    int  // how deep in embedded structs it was declared
	tagged   bool // named by its json tag
}

// jsonFields lists the members encoding/json writes for struct typ, in
// order: the exported fields under their json names, and the fields of
// embedded structs without a json name promoted into the object. As in
// encoding/json, a shallower field hides deeper ones of the same name, and
// two at the same depth hide each other unless exactly one is tagged;
// hidden lists the names dropped that way.
func jsonFields(typ reflect.Type) (fields []jsonField, hidden []string) {
	var all []jsonField
	var walk func(t reflect.Type, depth int, optional bool)
	walk = func(t reflect.Type, depth int, optional bool) {
		for f := range t.Fields() {
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					if f.IsExported() || ft.Kind() != reflect.Pointer {
						walk(et, depth+1, optional || ft.Kind() == reflect.Pointer)
					}
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			omit := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
			all = append(all, jsonField{name: cmp.Or(name, f.Name), typ: ft, optional: optional || omit,
				depth: depth, tagged: name != ""})
		}
	}
	walk(typ, 0, false)

	byName := map[string][]jsonField{}
	var order []string
	for _, f := range all {
		if _, ok := byName[f.name]; !ok {
			order = append(order, f.name)
		}
		byName[f.name] = append(byName[f.name], f)
	}
	for _, name := range order {
		fs := byName[name]
		top := slices.MinFunc(fs, func(a, b jsonField) int { return a.depth - b.depth }).depth
		fs = slices.DeleteFunc(fs, func(f jsonField) bool { return f.depth != top })
		if len(fs) > 1 {
			fs = slices.DeleteFunc(fs, func(f jsonField) bool { return !f.tagged })
		}
		if len(fs) != 1 {
			hidden = append(hidden, name)
			continue
		}
		fields = append(fields, fs[0])
	}
	return fields, hidden
}

func isStruct(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct && t != timeType
}

func allowsNull(n node) bool {
	return slices.Contains(asSlice(n.m["type"]), any("null"))
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func loadDocs(t *testing.T) map[string]map[string]any {
	t.Helper()
	docs := map[string]map[string]any{}
	paths, err := filepath.Glob("events/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(paths, "envelope.v1.json") {
		var m map[string]any
		if err := json.Unmarshal(must(os.ReadFile(p)), &m); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		docs[filepath.ToSlash(p)] = m
	}
	return docs
}
