package jsonata

import (
	"sort"
	"strings"
)

// The library offers no hook into evaluation, so the bridge inserts calls
// to its own guard functions into the expression text before handing it to
// the library:
//
//   - every lambda body B becomes ($__mie_enter(); $__mie_leave(B)), which
//     counts nested calls (the recursion depth) and checks the clock on each
//     call, so recursion and higher-order loops are bounded;
//   - every non-empty block (e1; e2) becomes ($__mie_tick(); e1; e2), which
//     checks the clock each time a block is evaluated.
//
// A block's value is its last expression's and a function that returns its
// argument returns it unchanged, so neither insertion changes a result. The
// names start with reservedPrefix, which no ASL variable can (an ASL
// variable starts with a Unicode ID_Start character, and '_' is not one) and
// which the scanner refuses in user text.

const (
	reservedPrefix = "$__mie_"
	guardEnter     = "__mie_enter"
	guardLeave     = "__mie_leave"
	guardTick      = "__mie_tick"
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
			if open, close, ok := lambdaBody(toks, i); ok {
				ins = append(ins,
					insertion{toks[open].end, "(" + reservedPrefix + "enter(); " + reservedPrefix + "leave("},
					insertion{toks[close].start, "))"})
			}
			continue
		}
		if t.kind == tokOp && t.text == "(" && t.prefix && !afterSort(toks, i) &&
			i+1 < len(toks) && !(toks[i+1].kind == tokOp && toks[i+1].text == ")") {
			ins = append(ins, insertion{t.end, reservedPrefix + "tick(); "})
		}
	}
	if len(ins) == 0 {
		return s.clean
	}
	sort.SliceStable(ins, func(a, b int) bool { return ins[a].at < ins[b].at })
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

// afterSort reports whether the "(" at toks[i] opens a sort term list.
func afterSort(toks []token, i int) bool {
	return i > 0 && toks[i-1].kind == tokOp && toks[i-1].text == "^"
}

// lambdaBody finds the braces of the body of the lambda whose keyword is
// toks[i]: function(params)<signature>{body}.
func lambdaBody(toks []token, i int) (open, close int, ok bool) {
	j := i + 1
	if j >= len(toks) || !isOp(toks[j], "(") {
		return 0, 0, false
	}
	j = matching(toks, j)
	if j < 0 {
		return 0, 0, false
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
		return 0, 0, false
	}
	end := matching(toks, j)
	if end < 0 {
		return 0, 0, false
	}
	return j, end, true
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
