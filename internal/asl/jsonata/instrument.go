package jsonata

import (
	"sort"
	"strings"
)

// The library offers no hook into evaluation, so the bridge inserts calls
// to its own guard functions into the expression text before handing it to
// the library:
//
//   - every lambda body B of function($a, $b) becomes
//     ($__mie_enter($a, $b); $__mie_leave(B)), which counts nested calls (the
//     recursion depth), checks the clock and the size of the arguments, so
//     recursion and higher-order loops are bounded;
//   - every expression e of a block (e1; e2) becomes $__mie_check(e), which
//     checks the clock and the size of e's value;
//   - every range [lo..hi] becomes [$__mie_lo(lo)..$__mie_hi(hi)], which
//     charge its length to the evaluation before the library allocates it.
//
// Both pass their argument through unchanged and an assignment inside a
// function's argument binds in the same scope, so no insertion changes a
// result. The
// names start with reservedPrefix, which no ASL variable can (an ASL
// variable starts with a Unicode ID_Start character, and '_' is not one) and
// which the scanner refuses in user text.

const (
	reservedPrefix = "$__mie_"
	guardEnter     = "__mie_enter"
	guardLeave     = "__mie_leave"
	guardCheck     = "__mie_check"
	guardLo        = "__mie_lo"
	guardHi        = "__mie_hi"
)

type insertion struct {
	at   int
	text string
}

// instrument returns s.clean with the guard calls inserted.
func instrument(s *scanned) string {
	var ins []insertion
	toks := s.toks
	for i, t := range toks {
		if t.kind == tokName && (t.text == "function" || t.text == "λ") {
			if open, close, params, ok := lambdaBody(toks, i); ok {
				ins = append(ins,
					insertion{toks[open].end, "(" + reservedPrefix + "enter(" + strings.Join(params, ", ") + "); " + reservedPrefix + "leave("},
					insertion{toks[close].start, "))"})
			}
			continue
		}
		if t.kind == tokOp && t.text == "(" && t.prefix && !afterSort(toks, i) {
			ins = append(ins, blockChecks(toks, i)...)
		}
		if t.kind == tokOp && t.text == "[" && t.prefix {
			ins = append(ins, rangeChecks(toks, i)...)
		}
	}
	if len(ins) == 0 {
		return s.clean
	}
	// At one position a closing insertion ends what came before it.
	sort.SliceStable(ins, func(a, b int) bool {
		if ins[a].at != ins[b].at {
			return ins[a].at < ins[b].at
		}
		return ins[a].text[0] == ')' && ins[b].text[0] != ')'
	})
	var out strings.Builder
	out.Grow(len(s.clean) + 40*len(ins))
	last := 0
	for _, in := range ins {
		out.WriteString(s.clean[last:in.at])
		out.WriteString(in.text)
		last = in.at
	}
	out.WriteString(s.clean[last:])
	return out.String()
}

// blockChecks wraps each expression of the block opened at toks[i] in
// $__mie_check(...), which checks the clock and the size of the value.
func blockChecks(toks []token, i int) []insertion {
	end := matching(toks, i)
	if end < 0 {
		return nil
	}
	var ins []insertion
	start, depth := i+1, 0
	for j := i + 1; j <= end; j++ {
		t := toks[j]
		if t.kind == tokOp {
			switch t.text {
			case "(", "[", "{":
				depth++
				continue
			case ")", "]", "}":
				if j < end {
					depth--
					continue
				}
			case ";":
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		} else {
			continue
		}
		if j > start {
			ins = append(ins,
				insertion{toks[start].start, reservedPrefix + "check("},
				insertion{toks[j-1].end, ")"})
		}
		start = j + 1
	}
	return ins
}

// rangeChecks wraps the bounds of each range lo..hi in the array
// constructor opened at toks[i] as $__mie_lo(lo)..$__mie_hi(hi), which
// charge the range's length against the evaluation's budget before the
// library allocates it.
func rangeChecks(toks []token, i int) []insertion {
	end := matching(toks, i)
	if end < 0 {
		return nil
	}
	var ins []insertion
	start, dots, depth := i+1, -1, 0
	for j := i + 1; j <= end; j++ {
		t := toks[j]
		if t.kind != tokOp {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
			continue
		case ")", "]", "}":
			if j < end {
				depth--
				continue
			}
		case "..":
			if depth == 0 {
				dots = j
			}
			continue
		case ",":
			if depth > 0 {
				continue
			}
		default:
			continue
		}
		if dots > start && j > dots+1 {
			ins = append(ins,
				insertion{toks[start].start, reservedPrefix + "lo("},
				insertion{toks[dots-1].end, ")"},
				insertion{toks[dots+1].start, reservedPrefix + "hi("},
				insertion{toks[j-1].end, ")"})
		}
		start, dots = j+1, -1
	}
	return ins
}

// afterSort reports whether the "(" at toks[i] opens a sort term list.
func afterSort(toks []token, i int) bool {
	return i > 0 && toks[i-1].kind == tokOp && toks[i-1].text == "^"
}

// lambdaBody finds the braces of the body of the lambda whose keyword is
// toks[i], function(params)<signature>{body}, and its parameters.
func lambdaBody(toks []token, i int) (open, close int, params []string, ok bool) {
	j := i + 1
	if j >= len(toks) || !isOp(toks[j], "(") {
		return 0, 0, nil, false
	}
	p := j
	j = matching(toks, j)
	if j < 0 {
		return 0, 0, nil, false
	}
	for _, t := range toks[p+1 : j] {
		if t.kind == tokVar {
			params = append(params, t.text)
		}
	}
	j++
	if j < len(toks) && isOp(toks[j], "<") {
		for depth := 0; j < len(toks); j++ {
			if isOp(toks[j], "<") {
				depth++
			} else if isOp(toks[j], ">") {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		j++
	}
	if j >= len(toks) || !isOp(toks[j], "{") {
		return 0, 0, nil, false
	}
	end := matching(toks, j)
	if end < 0 {
		return 0, 0, nil, false
	}
	return j, end, params, true
}

func isOp(t token, text string) bool { return t.kind == tokOp && t.text == text }

// matching returns the index of the bracket closing the one at toks[i].
func matching(toks []token, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		if toks[j].kind != tokOp {
			continue
		}
		switch toks[j].text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}
