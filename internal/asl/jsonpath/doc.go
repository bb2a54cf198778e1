// Package jsonpath compiles and evaluates the JSONPath of the Amazon States
// Language (JSONPath query mode) the way AWS Step Functions evaluates it.
// Step Functions runs Jayway JsonPath (Java), so its semantics are the
// reference here, not RFC 9535.
//
// # Paths
//
// Parse compiles a Path: "$" (the input), "$$" (the context object) or
// "$name" (an ASL variable) followed by any of
//
//	.name  ['name']  ["name"]       a member (bracket notation for names
//	                                with blanks; quotes escaped with \)
//	[n]  [-n]                       an array element, negative from the end
//	.*  [*]                         every member or element
//	['a','b']  [0,2]                unions
//	[a:b]  [a:]  [:b]               slices (negative bounds count from the end)
//	..name  ..*  ..[n]  ..[?(...)]  deep scan
//	[?(expr)]                       a filter
//
// A dot name runs to the next '.', '[' or '(' and may hold any other
// character but blanks ("$.detail-type" is the member "detail-type").
// Filters combine with &&, || and !, group with parentheses, and compare
// with ==, !=, <, <=, >, >=, =~ /regex/flags, in, nin, subsetof, anyof,
// noneof, contains, size and empty; their operands are @-paths (the node
// under test), $-paths (the document), strings in single or double quotes,
// numbers, true, false, null and JSON arrays or objects. "@.x" alone tests
// that x exists.
//
// ParseReference compiles a Reference Path: only .name, ['name'] and [n],
// so it names a single node (ResultPath, ItemsPath, the *Path fields).
//
// # Evaluation
//
// Get follows Jayway. A definite path (no wildcard, union, slice, filter or
// deep scan) returns the value it names or a *NotFoundError. An indefinite
// path returns a []any of the matches in document order, possibly empty;
// a miss in its definite head is still an error ("$.a[*]" with no "a"),
// and misses after the first indefinite segment are skipped. A leaf union
// of names is definite and merges into one object, as in Jayway:
// $['a','b'] on {"a":1,"b":2,"c":3} is {"a":1,"b":2}.
//
// Simple definite paths ($.a.b[0]) are walked without allocating; Get
// allocates only for results of indefinite paths and for errors.
//
// Set places a value at a Reference Path the way ResultPath does, copying
// the objects and arrays along the path instead of modifying the document.
//
// # Why not a library
//
// github.com/theory/jsonpath v0.12.3 (RFC 9535) and github.com/ohler55/ojg
// v1.28.5 (its own Goessner-style dialect) were tried on the same inputs
// (a throwaway program, json.Number documents):
//
//   - Neither parses "$$..." or "$name..." (parse errors at position 1-3).
//   - Both return an empty list for a definite path that matches nothing
//     ($.missing); Step Functions must fail there, and Jayway's rules for
//     which misses in an indefinite path are errors (Missing property in
//     path $['a'] for $.a[*]) have no counterpart in either.
//   - theory/jsonpath rejects =~ and in ("invalid comparison operator"),
//     has no nin/subsetof/anyof/noneof/size/empty, does not coerce
//     '1' == 1 as Jayway does, and returns $['a','n'] as a list where
//     Jayway merges a leaf union into one object.
//   - ojg compares json.Number wrongly ($.list[?(@.p < 10)] and
//     [?(@.p in [1])] match nothing on {"p": 1}), and its =~ is not
//     anchored as Java's Matcher.matches is.
//   - Both allocate a result list for every query; the interpreter needs
//     simple definite paths walked without allocating.
//
// Bridging that would have left little of either library in use, so the
// parser and evaluator are written here, following Jayway's PathCompiler,
// path tokens and filter evaluators, and checked against Jayway 2.9.0
// itself: testdata/jayway holds 125 cases with Jayway's answers, which
// TestJaywayConformance compares with Get.
//
// # Differences from AWS (Jayway) and what was done about them
//
//   - Member order. A Go map has no order, so a wildcard, deep scan or
//     iterated union over an object yields its members in sorted key order;
//     Jayway yields them in document order. Not bridged: the JSON value
//     model has no ordered objects.
//   - Filters match objects only. AWS's documentation says that "@" does not
//     match scalar values, only objects, so a filter on an array skips
//     elements that are not objects ($[?(@ > 1)] matches nothing); current
//     Jayway would test them.
//   - Functions. Jayway's path functions (length(), sum(), ...) are not
//     supported by Step Functions: a definition may contain them but the
//     path never matches (AWS reports "could not be found"). Parse accepts
//     them at the end of a path and Get always returns a *NotFoundError.
//   - Regular expressions use Go's RE2 syntax, not java.util.regex: no
//     backreferences or look-around, and only the i, m and s flags. As with
//     Java's Matcher.matches, the pattern must match the whole string.
//   - Comparisons: numbers compare exactly as decimals (like BigDecimal);
//     strings compare by bytes of UTF-8 where Java compares UTF-16 code
//     units (they differ only between characters above U+FFFF and those in
//     U+E000-U+FFFF). Jayway's date comparisons and its type, matches, all
//     and exists operators are not supported (a parse error).
//   - Syntax Jayway accepts and Parse rejects: blanks around the whole path
//     (Jayway trims them), a name straight after a bracket ($['a']b), slice
//     steps ([0:4:2], which Jayway rejects later), and API placeholder
//     filters ([?]).
//   - Error texts. NotFoundError.Reason follows Jayway's PathNotFoundException
//     messages ("No results for path: $['a']", "Missing property in path
//     $['a']") but names JSON kinds where Jayway names Java classes.
//   - Set replaces existing array elements and accepts negative indexes;
//     it never creates or grows an array, and fails with
//     States.ResultPathMatchFailure there. What AWS does with an index past
//     the end of an existing array is not documented; failing is the
//     conservative reading.
package jsonpath
