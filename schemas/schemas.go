// Package schemas holds the JSON Schemas (draft 2020-12) of the engine's
// records: envelope.v1.json for the envelope every record value shares, and
// events/<Type>.v<Version>.json for each payload type, with shared types in
// events/defs.v1.json. docs/event-schemas.md describes them.
//
// The schemas are the language-neutral contract for consumers that are not
// written in Go; a Validator checks a record value against them.
package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// BaseURL is the base of every schema's $id; relative $refs resolve
// against it.
const BaseURL = "https://github.com/mie-kafka/mie/raw/main/schemas/"

const (
	envelopeFile = "envelope.v1.json"
	eventsDir    = "events"
	// kindKeyword annotates a payload schema with the envelope kind its
	// type is written with: "command" or "event".
	kindKeyword = "x-mie-kind"
)

//go:embed envelope.v1.json events/*.json
var files embed.FS

// payloadFile matches events/<Type>.v<Version>.json.
var payloadFile = regexp.MustCompile(`^([A-Z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.json$`)

// ErrInvalid is wrapped by an *Error for a record that does not match its
// schema.
var ErrInvalid = errors.New("record does not match its schema")

// ErrUnknownType is wrapped by an *Error for a record whose type and version
// have no schema.
var ErrUnknownType = errors.New("no schema for record type")

// Violation is one way a record fails its schema.
type Violation struct {
	// Pointer is the RFC 6901 JSON pointer of the failing value within the
	// record value: "/time" in the envelope, "/data/Machine/StartAt" in
	// the payload. For a missing or forbidden property it names the
	// property itself.
	Pointer string
	Message string
}

// Error reports a record that failed validation. It wraps ErrInvalid or
// ErrUnknownType.
type Error struct {
	// Type and Version are the record's, as far as they could be read.
	Type       string
	Version    int
	Violations []Violation
	err        error
}

// maxListed bounds the violations spelled out by Error().
const maxListed = 8

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("validate ")
	if e.Type == "" {
		b.WriteString("record")
	} else {
		fmt.Fprintf(&b, "%s v%d", e.Type, e.Version)
	}
	fmt.Fprintf(&b, ": %v", e.err)
	for i, v := range e.Violations {
		if i == maxListed {
			fmt.Fprintf(&b, "; and %d more", len(e.Violations)-maxListed)
			break
		}
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(&b, "%s%s: %s", sep, pointerText(v.Pointer), v.Message)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.err }

func pointerText(p string) string {
	if p == "" {
		return "(root)"
	}
	return p
}

type typeVersion struct {
	typ     string
	version int
}

type payloadSchema struct {
	schema *jsonschema.Schema
	kind   string
}

// Validator checks record values against the embedded schemas. It is safe
// for concurrent use.
type Validator struct {
	envelope *jsonschema.Schema
	payloads map[typeVersion]payloadSchema
}

// New compiles every embedded schema. A schema that does not compile, a file
// in events/ that is not named <Type>.v<Version>.json, or an $id that does
// not match the file's place is an error.
func New() (*Validator, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()

	docs := map[string]any{}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if id, _ := field[string](doc, "$id"); id != BaseURL+p {
			return fmt.Errorf("%s: $id is %q, want %q", p, id, BaseURL+p)
		}
		docs[p] = doc
		return c.AddResource(BaseURL+p, doc)
	})
	if err != nil {
		return nil, fmt.Errorf("load schemas: %w", err)
	}

	v := &Validator{payloads: map[typeVersion]payloadSchema{}}
	if v.envelope, err = c.Compile(BaseURL + envelopeFile); err != nil {
		return nil, fmt.Errorf("compile %s: %w", envelopeFile, err)
	}
	for p, doc := range docs {
		dir, name := path.Split(p)
		if dir != eventsDir+"/" || strings.HasPrefix(name, "defs.") {
			continue
		}
		m := payloadFile.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("schema file %s: want events/<Type>.v<Version>.json", p)
		}
		version, _ := strconv.Atoi(m[2])
		k, _ := field[string](doc, kindKeyword)
		if k != "command" && k != "event" {
			return nil, fmt.Errorf("schema file %s: %s is %q, want command or event", p, kindKeyword, k)
		}
		sch, err := c.Compile(BaseURL + p)
		if err != nil {
			return nil, fmt.Errorf("compile %s: %w", p, err)
		}
		v.payloads[typeVersion{m[1], version}] = payloadSchema{schema: sch, kind: k}
	}
	return v, nil
}

// Validate checks a Kafka record value: the envelope against
// envelope.v1.json, then its kind and data against the schema of its type and
// version. It returns nil or an *Error.
func (v *Validator) Validate(recordValue []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(recordValue))
	if err != nil {
		return &Error{err: ErrInvalid, Violations: []Violation{{Message: "not JSON: " + err.Error()}}}
	}
	typ, _ := field[string](doc, "type")
	version := 0
	if n, ok := field[json.Number](doc, "version"); ok {
		if i, err := n.Int64(); err == nil {
			version = int(i)
		}
	}
	fail := func(err error, vs []Violation) error {
		return &Error{Type: typ, Version: version, Violations: vs, err: err}
	}

	if err := v.envelope.Validate(doc); err != nil {
		return fail(ErrInvalid, violations(err, ""))
	}
	ps, ok := v.payloads[typeVersion{typ, version}]
	if !ok {
		return fail(ErrUnknownType, []Violation{{Pointer: "/type",
			Message: fmt.Sprintf("no schema for type %q version %d", typ, version)}})
	}
	if k, _ := field[string](doc, "kind"); k != ps.kind {
		return fail(ErrInvalid, []Violation{{Pointer: "/kind",
			Message: fmt.Sprintf("%s is a %s, got %q", typ, ps.kind, k)}})
	}
	data, _ := field[any](doc, "data")
	if err := ps.schema.Validate(data); err != nil {
		return fail(ErrInvalid, violations(err, "/data"))
	}
	return nil
}

// field reads a top-level member of a decoded JSON object.
func field[T any](doc any, name string) (T, bool) {
	var zero T
	obj, ok := doc.(map[string]any)
	if !ok {
		return zero, false
	}
	t, ok := obj[name].(T)
	return t, ok
}

// violations flattens a validation error to its leaves, with pointers
// relative to the record value (prefix is where the validated value sits).
func violations(err error, prefix string) []Violation {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Pointer: prefix, Message: err.Error()}}
	}
	var out []Violation
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		at := prefix + pointer(e.InstanceLocation)
		switch k := e.ErrorKind.(type) {
		case *kind.Required:
			for _, p := range k.Missing {
				out = append(out, Violation{Pointer: at + pointer([]string{p}), Message: "required property is missing"})
			}
		case *kind.AdditionalProperties:
			for _, p := range k.Properties {
				out = append(out, Violation{Pointer: at + pointer([]string{p}), Message: "property is not allowed"})
			}
		default:
			out = append(out, Violation{Pointer: at, Message: e.BasicOutput().Error.String()})
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	return out
}

var tokenEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// pointer encodes reference tokens as an RFC 6901 JSON pointer.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(tokenEscaper.Replace(t))
	}
	return b.String()
}
