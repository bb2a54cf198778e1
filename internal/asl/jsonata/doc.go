// Package jsonata evaluates the JSONata expressions of ASL states whose
// QueryLanguage is "JSONata", as AWS Step Functions evaluates them.
//
// # Use
//
// A field value is compiled once, with the name AWS gives the field:
//
//	v, err := jsonata.CompileValue("Arguments", rawArguments)
//	out, err := v.Eval(jsonata.Bindings{States: states, Vars: lookup, ...})
//
// CompileValue walks any JSON value; a string that is exactly "{% expr %}"
// (Template: "{%" first and "%}" last, no space outside them) is compiled,
// every other string is a literal, including one that merely contains
// "{%" ("a {% b %} c", AWS does not interpolate). A string that starts
// with "{%" but does not end with "%}", or has space outside the
// delimiters, is refused: AWS calls an improperly opened or closed
// expression a validation error. Compile errors are *CompileError, joined
// when there are several, each with Field ("Arguments/Payload/id",
// "Items[1]", the notation of AWS's runtime causes), Pointer
// ("/Arguments/Payload/id", to append to the state's JSON pointer), the
// position in the expression, JSONata's code, and Kind: Invalid (AWS's
// INVALID_JSONATA_EXPRESSION) or Unsupported (UNSUPPORTED_JSONATA_EXPRESSION:
// a field name, *, ** or $ read from the context at the top level, which
// Step Functions does not provide, $$ anywhere, and the syntax listed under
// Differences). Value.UsesStates and Expr.UsesStates tell a validator
// whether $states.result or $states.errorOutput is read where AWS does not
// provide it.
//
// Compile and Expr.Eval are the same for one expression without "{% %}".
// Expr.Eval returns Undefined for an expression that evaluates to nothing;
// Value.Eval fails there, as AWS fails every field that does (Arguments,
// Output, Assign, Condition, Items, Seconds, ...): "The JSONata expression
// '$states.input.missing' specified for the field 'Output/v' returned
// nothing (undefined)." Inside an expression undefined is ordinary JSONata:
// {"a": $missing} is {}. JSON null is a value.
//
// # Bindings
//
// Bindings.States is the $states object the interpreter builds:
//
//	{"input": <state input>, "result": <task result>, "errorOutput": <in a Catch>, "context": <context object>}
//
// with a member present only where AWS provides it. Bindings.Vars resolves
// ASL variables, read as $name; a variable shadows a function of the same
// name, as JSONata bindings do. Every nondeterministic input comes from
// Bindings, so an evaluation can be recorded and replayed: Random
// ($random() without a seed, $shuffle), UUID ($uuid()), Now ($now(),
// $millis(), read once per evaluation). Left nil they default to
// math/rand, github.com/google/uuid and time.Now.
//
// Values cross the boundary in internal/asl's JSON model (encoding/json
// with UseNumber; float64 and Go integers are accepted too). Results come
// back in it, numbers as json.Number written as AWS writes them:
// JavaScript's notation (1, 27.91, 1e+21, 1e-7), an integer beyond 2^53
// kept exact when it fits an int64 (an identifier passed through keeps its
// digits; arithmetic on it is float64, as in JavaScript), and a non-finite
// number as the string JavaScript names it, "NaN", "Infinity" or
// "-Infinity", which is what AWS writes. A function or a regular
// expression is no JSON: at the top level it is Undefined, in an array
// null and in an object an absent key, as JSON.stringify writes them.
//
// Errors are *failure.Error named States.QueryEvaluationError, with AWS's
// cause: "The JSONata expression '<expr>' specified for the field '<field>'
// threw an error during evaluation. <CODE>: <message>", or ": <message>"
// for an error that has no JSONata code (the bounds, and most errors the
// library's own functions raise). The interpreter adds AWS's prefix "An
// error occurred while executing the state '<name>' (entered at the event
// id #<n>). ".
//
// # Functions Step Functions adds
//
// AWS documents $partition, $range, $hash, $random, $uuid and $parse
// (transforming-data.html, "JSONata functions provided by Step Functions")
// and that $eval is not supported; non-integer arguments to integer
// parameters are truncated (AWS says "round down"; measured on AWS it is
// towards zero). The edge cases below are as a third party measured them
// on AWS (github.com/floci-io/floci issues 2665, 2736, 2737 and its Step
// Functions documentation); they are not in AWS's documentation.
//
//   - $partition(array, size): chunks of size, the last shorter. An empty or
//     undefined array and a size of 0 are undefined; no size is one chunk; a
//     negative size is D3137 "Second argument must be zero or greater".
//   - $range(start, end, step): start, start+step, ... while not past end. A
//     missing or zero step or one pointing away from end is undefined; a
//     single element is the bare number; more than 360,145 elements is the
//     memory limit.
//   - $hash(data, algorithm): lowercase hex of the UTF-8 bytes; MD5, SHA-1,
//     SHA-256, SHA-384, SHA-512, case-sensitive, else D3137; no algorithm is
//     undefined.
//   - $random([seed]): [0, 1). Seeded, the first nextDouble() of
//     java.util.Random(seed), AWS's generator: $random(42) is
//     0.7275636800328681.
//   - $uuid(): a v4 UUID.
//   - $parse(json): strict, one document; trailing data, a repeated key and
//     "" are D3137 "Invalid JSON".
//   - Each refuses a surplus argument or a wrong type with T0410.
//
// $eval is not bound: a call is T1006 "Attempted to invoke a non-function",
// as on AWS.
//
// # The library
//
// The evaluator is github.com/blues/jsonata-go v1.5.4. The module proxy
// serves two Go JSONata implementations; github.com/xiatechs/jsonata-go
// v1.8.8 is a fork of the same code. Both were run over one table of
// JSONata expressions (String, numeric, aggregate, boolean, array, object,
// date/time and higher-order functions, paths, predicates, sorting,
// grouping, transforms, regexes, blocks, recursion, the 2.0 operators):
//
//	                              blues v1.5.4        xiatechs v1.8.8
//	arithmetic                    IEEE 754, as JS     decimal with a rounding precision: 0.1+0.2 = 0.3, 1/3 = 0.33333334
//	/* */ comments                missing (bridged)   regex rewrite that also strips them inside strings: "a/*b*/c" = "ac"
//	quoted paths                  as written          regex rewrite of 'x'.'y', also inside string literals
//	@ and # bindings, % parent    missing (@ and # read as part of a name)   missing (@ is a non-standard join)
//	?: and ?? (JSONata 2.1)       missing             missing (AWS runs 2.0.6, which lacks them too)
//	$formatInteger, $parseInteger missing             missing
//	$assert                       missing (bridged)   missing
//	$eval                         missing (as AWS)    non-standard: returns its argument
//	$single(array)                requires a function (bridged)   same
//	$encodeUrlComponent("a b")    "a+b" (bridged)     "a+b"
//	error messages                fixed texts         texts with ", position: N, arguments: <values>" appended
//	extra functions               none                $objmerge, $sjoin, $hashmd5, $hash256, $dateTimeDim, $timeSince, $renameKeys, ... (names AWS does not have)
//	regular expressions           Go RE2              Go RE2
//
// Both lack a hook into evaluation, both share built-in function objects
// between goroutines, both parse the same way. xiatechs's arithmetic alone
// rules it out: a state machine computing money or percentages would
// produce other numbers than AWS. blues is the upstream and has nothing AWS
// lacks; what it lacks or gets wrong is bridged here or listed below.
//
// # Bridged
//
// Without forking the library:
//
//   - Comments are blanked before parsing, by a scanner that knows string
//     literals, quoted names and regular expressions.
//   - @, # and the % parent operator are refused at compile time (the
//     library would read a@$x as one field name, silently).
//   - The library's built-in functions are single objects into which every
//     call writes its context, a data race between evaluations that also
//     hands one evaluation's context to another (names.$uppercase()). Each
//     evaluation binds fresh instances of the built-ins it names.
//   - Replaced or added: $now, $millis (Bindings.Now), $shuffle
//     (Bindings.Random), $single (optional function), $assert, $error (code
//     D3137), $encodeUrl and $encodeUrlComponent (JavaScript's encodeURI
//     and encodeURIComponent), $pad (bounded width), $power and $sqrt
//     (codes D3061, D3060), $formatNumber (the library loops for ever on a
//     zero or non-finite value with an exponent picture), $lookup, and the
//     six Step Functions functions.
//   - Refused before the library sees them, because its parser never
//     returns on them: a lone ! or ~, and a lambda signature with
//     characters no signature has (function()<!).
//   - JSON null is converted to the library's null (its $type panics on a
//     bare nil); json.Number to float64.
//   - The parser's errors and the evaluator's typed errors carry
//     jsonata-js's codes and wording (S0202 Expected "]", got ",";
//     T2002 The right side of the "+" operator must evaluate to a number;
//     T0410 Argument 1 of function "abs" does not match function
//     signature; ...).
//   - A panic anywhere in the library, at compile or evaluation time, is
//     recovered and becomes an error.
//
// # Limits
//
// AWS fails an evaluation that runs longer than 1 second ("Expression
// evaluation timeout"), nests too deeply ("Stack overflow error") or uses
// too much memory ("Expression evaluation memory limit exceeded"); the
// messages here are AWS's. The library has no hook, so the bridge inserts
// calls to guard functions into the expression text (see instrument.go)
// and refuses an expression in which the parsed result shows a lambda,
// block or range it could not guard:
//
//   - Timeout: the clock is checked on every lambda call, every expression
//     of a block, every range and every call of a bridged function.
//   - MaxDepth 100: static nesting (1+1+...+1 with 101 terms, 100 nested
//     parentheses or brackets) fails when evaluated; a lambda call counts 3
//     levels plus 5, so a recursive $f(31) runs and $f(32) fails, which is
//     what AWS does for the simplest recursion. AWS counts a deeper body
//     more, so some recursion it refuses runs here.
//   - MaxValueBytes (6,990,256, 8 per number and 1 per string byte): the
//     result, and every lambda argument and result and block value
//     (checked at its top level), so doubling a string by recursion or
//     assignment stops near the bound; one [lo..hi] may hold as many
//     numbers as a value (so [1..900000] ~> $count() fails, as on AWS), all
//     of an evaluation's ranges MaxRangeTotal (10,000,000); $pad's width.
//   - MaxNesting 1000: deeper bracket nesting or prefix-minus runs are
//     refused at compile time, before the parser could exhaust the stack.
//
// Not bounded: lambda-free, block-free expressions are linear in the input
// except through nested predicates and path steps over the input, which
// multiply (a.b[$states.input.c[...]] over large arrays); the size of an
// intermediate value that is not a lambda argument, a block value or a
// range. A bounded evaluation is stopped at the next guard, not
// preemptively.
//
// # Differences from AWS
//
//   - Not supported (compile error, Unsupported): the @ context and #
//     positional variable bindings and the % parent operator.
//   - Missing functions: $formatInteger and $parseInteger (a call is T1006).
//   - Regular expressions are Go's RE2: no lookaround or backreferences, and
//     the library's flags are i and m only.
//   - Arithmetic that overflows (1/0, 1e308*10) fails with D1001 where AWS
//     writes "Infinity"; a function result that is not finite is written
//     "NaN" or "Infinity" as AWS writes it.
//   - The library's own function errors ($sum(['a']), $toMillis('x'), ...)
//     keep the library's message, without JSONata's code.
//   - The bridge's own functions do not take their first argument from the
//     context: names.$formatNumber("0.0") or items.$pad(5) are undefined
//     or fail where JSONata would use each name or item.
//   - $random() without a seed is not AWS's sequence (it is Bindings.Random).
//   - Static checks: AWS's top-level reference rule is applied as measured
//     (first path step, lambda bodies keep the context); AWS's exact
//     messages for $ and * at the top level are not known.
//   - Evaluation depth and memory follow the bounds above, which
//     approximate AWS's accounting rather than reproduce it.
//   - The library is JSONata 1.5 with later functions added: semantics
//     JSONata changed since (for example $map over a single array keeping
//     the outer array) may differ from AWS's 2.0.6 in corner cases.
package jsonata
