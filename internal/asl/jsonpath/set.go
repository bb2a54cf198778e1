package jsonpath

import (
	"fmt"

	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// Set returns doc with v placed where the path points, the way ResultPath
// places a state's result in its input. doc is not modified: the objects
// and arrays along the path are copied, everything else is shared.
//
// "$" replaces the whole document. A missing object member is created,
// with intervening objects as needed ("$.a.b" on {} gives {"a":{"b":v}}).
// An existing array element can be replaced ("$.list[1]"), but an array is
// never created or grown. When the path cannot apply (doc or a member on
// the way is not an object, or an index is not in its array) Set fails
// with a *failure.Error named States.ResultPathMatchFailure.
//
// Set takes Reference Paths only; any other path is a programming error
// and returns a plain error.
func (p *Path) Set(doc, v any) (any, error) {
	if !p.reference {
		return nil, fmt.Errorf("jsonpath: Set needs a reference path, not %q", p.src)
	}
	if len(p.segs) == 0 {
		return v, nil
	}
	out, ok := p.set(doc, 0, v)
	if !ok {
		return nil, &failure.Error{Name: failure.ResultPathMatchFailure,
			Cause: "Unable to apply ReferencePath " + p.src + " to input " + jsonvalue.MustMarshal(doc)}
	}
	return out, nil
}

func (p *Path) set(cur any, i int, v any) (any, bool) {
	s := &p.segs[i]
	leaf := i == len(p.segs)-1
	if s.kind == selName {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		nv := v
		if !leaf {
			child, exists := m[s.name]
			if !exists {
				if p.segs[i+1].kind != selName {
					return nil, false // an array is never created
				}
				child = map[string]any{}
			}
			if nv, ok = p.set(child, i+1, v); !ok {
				return nil, false
			}
		}
		out := make(map[string]any, len(m)+1)
		for k, x := range m {
			out[k] = x
		}
		out[s.name] = nv
		return out, true
	}
	a, ok := cur.([]any)
	if !ok {
		return nil, false
	}
	idx := s.index
	if idx < 0 {
		idx += len(a)
	}
	if idx < 0 || idx >= len(a) {
		return nil, false
	}
	nv := v
	if !leaf {
		if nv, ok = p.set(a[idx], i+1, v); !ok {
			return nil, false
		}
	}
	out := make([]any, len(a))
	copy(out, a)
	out[idx] = nv
	return out, true
}
