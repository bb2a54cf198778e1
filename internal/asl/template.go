package asl

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/jsonata"
)

// Payload is a field computed in the state's language: a payload
// template (JSONPath) or a JSONata value. Exactly one is set.
type Payload struct {
	Template *dataflow.Template
	JSONata  *jsonata.Value
}

// template reads the JSONPath payload template of Parameters or
// ResultSelector: any JSON value (AWS accepts arrays and plain values
// there, though the specification asks for an object) whose objects'
// "key.$" fields hold paths or intrinsic calls, each checked at its own
// location.
func (p *parser) template(r *reader, k string) *dataflow.Template {
	v, ok := r.get(k)
	if !ok {
		return nil
	}
	return p.compileTemplateAt(r.field(k), v)
}

// objectTemplate reads a payload template that must be an object
// (ItemSelector, Credentials, an ItemReader's Parameters, ...).
func (p *parser) objectTemplate(r *reader, k string) *dataflow.Template {
	o, ok := r.obj(k)
	if !ok {
		return nil
	}
	return p.compileTemplateAt(r.field(k), o)
}

func (p *parser) compileTemplateAt(at loc, v any) *dataflow.Template {
	if !p.checkTemplate(at, v, false) {
		return nil
	}
	t, err := compileTemplate(plain(v))
	if err != nil {
		// Find the value at fault, to report it where it is; dataflow's
		// error says where only in its own notation.
		if p.checkTemplate(at, v, true) {
			p.ps.schema(at, "Invalid payload template: %v", err)
		}
		return nil
	}
	return t
}

// checkTemplate validates the dynamic fields of a payload template and
// warns of static ones that look dynamic; with parse, it also parses each
// path and intrinsic call (compileTemplate does that too, so only a
// template that fails to compile needs it).
func (p *parser) checkTemplate(at loc, v any, parse bool) bool {
	ok := true
	switch t := v.(type) {
	case *object:
		for _, k := range t.keys {
			kat := at.key(k)
			val := t.vals[k]
			if !strings.HasSuffix(k, ".$") {
				if !parse {
					p.warnNoDollar(kat, k, val)
				}
				ok = p.checkTemplate(kat, val, parse) && ok
				continue
			}
			if parse {
				ok = p.checkDynamic(kat, k, val) && ok
				continue
			}
			if _, dup := t.vals[strings.TrimSuffix(k, ".$")]; dup {
				p.ps.schema(kat, "Fields '%s' and '%s' would both set '%s'", strings.TrimSuffix(k, ".$"), k, strings.TrimSuffix(k, ".$"))
				ok = false
			}
			if _, isStr := val.(string); !isStr {
				p.ps.schema(kat, "The value of field '%s' must be a string holding a JSONPath or an intrinsic function, not %s", k, jsonKind(val))
				ok = false
			}
		}
	case []any:
		for i, e := range t {
			ok = p.checkTemplate(at.index(i), e, parse) && ok
		}
	}
	return ok
}

// checkDynamic checks the value of a "key.$" field: a path or a call.
func (p *parser) checkDynamic(at loc, k string, v any) bool {
	s, _ := v.(string)
	if looksIntrinsic(s) {
		if _, err := parseIntrinsic(s); err != nil {
			p.ps.schema(at, "The value for the field '%s' must be a valid intrinsic function call: %v", k, err)
			return false
		}
		return true
	}
	if _, err := parsePath(s); err != nil {
		p.ps.schema(at, "The value for the field '%s' must be a valid JSONPath or intrinsic function: %v", k, err)
		return false
	}
	return true
}

// warnNoDollar warns of a static field whose value looks dynamic.
func (p *parser) warnNoDollar(at loc, k string, v any) {
	s, ok := v.(string)
	if !ok {
		return
	}
	if strings.HasPrefix(s, "$.") || strings.HasPrefix(s, "$$.") || (looksIntrinsic(s) && strings.HasSuffix(s, ")")) {
		p.ps.warn(at, CodeNoDollar, "The value of field '%s' looks like a JSONPath or intrinsic function, but the field name does not end with '.$'", k)
	}
}

// parseAssign reads an "Assign" object.
func (p *parser) parseAssign(r *reader, k string, acc access) *Assign {
	o, ok := r.obj(k)
	if !ok {
		return nil
	}
	at := r.field(k)
	a := &Assign{}
	for _, key := range o.keys {
		name := key
		if r.ql == JSONPath {
			name = strings.TrimSuffix(key, ".$")
		}
		p.checkVariableName(at.key(key), name)
		a.Names = append(a.Names, name)
	}
	if r.ql == JSONata {
		a.JSONata = compileJSONata(&p.ps, at, k, o, acc)
	} else {
		a.Template = p.compileTemplateAt(at, o)
	}
	return a
}

// MaxVariableNameLength is the longest variable name Assign may set.
const MaxVariableNameLength = 80

// checkVariableName applies the rules on variable names: a letter or
// underscore, then letters, digits and underscores; not "states".
func (p *parser) checkVariableName(at loc, name string) {
	bad := name == "" || utf8.RuneCountInString(name) > MaxVariableNameLength || name == "states"
	for i, c := range name {
		if c == '_' || unicode.IsLetter(c) || (i > 0 && unicode.IsDigit(c)) {
			continue
		}
		bad = true
	}
	if bad {
		p.ps.schema(at, "Invalid variable name '%s': it must start with a letter or '_', contain only letters, digits and '_', be at most %d characters, and not be 'states'", name, MaxVariableNameLength)
	}
}

// payload reads k as a template (JSONPath) or a JSONata value.
func (p *parser) payload(r *reader, k string) *Payload {
	if !r.has(k) {
		return nil
	}
	if r.ql == JSONata {
		return &Payload{JSONata: r.jsonata(k, 0)}
	}
	if t := p.objectTemplate(r, k); t != nil {
		return &Payload{Template: t}
	}
	return nil
}
