package jsonata

import (
	"errors"
	"fmt"
	"strings"

	jsonatalib "github.com/blues/jsonata-go"
	"github.com/blues/jsonata-go/jparse"

	"github.com/mie-kafka/mie/internal/asl/failure"
)

// CompileKind tells a definition validator which of AWS's two diagnostics a
// CompileError is: an expression that does not parse, or one that parses
// but uses what Step Functions refuses.
type CompileKind uint8

const (
	// Invalid is AWS's INVALID_JSONATA_EXPRESSION: the text does not parse.
	Invalid CompileKind = iota
	// Unsupported is AWS's UNSUPPORTED_JSONATA_EXPRESSION: a reference to
	// the context at the top level or to $$, or syntax this package lacks.
	Unsupported
)

func (k CompileKind) String() string {
	if k == Unsupported {
		return "UNSUPPORTED_JSONATA_EXPRESSION"
	}
	return "INVALID_JSONATA_EXPRESSION"
}

// CompileError is an expression that cannot be compiled. Field is where it
// sits inside the value given to CompileValue, in AWS's runtime notation
// (Arguments/Payload/id, Items[1]); Pointer is the same place as a JSON
// pointer below that value (/Arguments/Payload/id, /Items/1), for a
// validator to append to the state's own pointer.
type CompileError struct {
	Kind    CompileKind
	Expr    string // the expression text, without {% %}
	Field   string
	Pointer string
	Pos     int    // byte offset into Expr, -1 when not known
	Code    string // JSONata's error code (S0202 ...), empty when it has none
	Message string
}

func (e *CompileError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.String())
	b.WriteString(": ")
	if e.Code != "" {
		b.WriteString(e.Code + ": ")
	}
	b.WriteString(e.Message)
	if e.Pos >= 0 {
		fmt.Fprintf(&b, " (at position %d of '%s')", e.Pos, e.Expr)
	}
	if e.Field != "" {
		b.WriteString(" at " + e.Field)
	}
	return b.String()
}

func syntaxErr(pos int, code, msg string) *CompileError {
	return &CompileError{Kind: Invalid, Pos: pos, Code: code, Message: msg}
}

func unsupportedErr(pos int, msg string) *CompileError {
	return &CompileError{Kind: Unsupported, Pos: pos, Message: msg}
}

// parseCodes gives the library's parser errors jsonata-js's codes and
// wording, which AWS reports.
var parseCodes = map[jparse.ErrType][2]string{
	jparse.ErrSyntaxError:        {"S0201", `Syntax error: "{{token}}"`},
	jparse.ErrUnexpectedEOF:      {"S0207", "Unexpected end of expression"},
	jparse.ErrUnexpectedToken:    {"S0202", `Expected "{{hint}}", got "{{token}}"`},
	jparse.ErrMissingToken:       {"S0203", `Expected "{{hint}}" before end of expression`},
	jparse.ErrPrefix:             {"S0211", `The symbol "{{token}}" cannot be used as a unary operator`},
	jparse.ErrInfix:              {"S0204", `Unknown operator: "{{token}}"`},
	jparse.ErrUnterminatedString: {"S0101", "String literal must be terminated by a matching quote"},
	jparse.ErrUnterminatedRegex:  {"S0302", "No terminating / in regular expression"},
	jparse.ErrUnterminatedName:   {"S0105", "Quoted property name must be terminated with a backquote (`)"},
	jparse.ErrIllegalEscape:      {"S0103", `Unsupported escape sequence: \{{hint}}`},
	jparse.ErrIllegalEscapeHex:   {"S0104", `The escape sequence \u must be followed by 4 hex digits`},
	jparse.ErrNumberRange:        {"S0102", "Number out of range: {{token}}"},
	jparse.ErrEmptyRegex:         {"S0301", "Empty regular expressions are not allowed"},
	jparse.ErrGroupPredicate:     {"S0209", "A predicate cannot follow a grouping expression in a step"},
	jparse.ErrGroupGroup:         {"S0210", "Each step can only have one grouping expression"},
	jparse.ErrPathLiteral:        {"S0213", "The literal value {{hint}} cannot be used as a step within a path expression"},
	jparse.ErrIllegalAssignment:  {"S0212", "The left side of := must be a variable name (start with $)"},
	jparse.ErrIllegalParam:       {"S0208", "Parameter {{token}} of function definition must be a variable name (start with $)"},
}

// fromParseError converts a library parse error.
func fromParseError(err error) *CompileError {
	var pe *jparse.Error
	if !errors.As(err, &pe) {
		return syntaxErr(-1, "", err.Error())
	}
	ce := syntaxErr(pe.Position, "", pe.Error())
	if c, ok := parseCodes[pe.Type]; ok {
		ce.Code = c[0]
		ce.Message = strings.NewReplacer("{{token}}", pe.Token, "{{hint}}", pe.Hint).Replace(c[1])
	}
	return ce
}

// evalCodes gives the library's evaluation errors jsonata-js's codes and,
// where the library carries what the message needs, its wording.
var evalCodes = map[jsonatalib.ErrType][2]string{
	jsonatalib.ErrNonIntegerLHS:      {"T2003", "The left side of the range operator (..) must evaluate to an integer"},
	jsonatalib.ErrNonIntegerRHS:      {"T2004", "The right side of the range operator (..) must evaluate to an integer"},
	jsonatalib.ErrNonNumberLHS:       {"T2001", `The left side of the "{{value}}" operator must evaluate to a number`},
	jsonatalib.ErrNonNumberRHS:       {"T2002", `The right side of the "{{value}}" operator must evaluate to a number`},
	jsonatalib.ErrNonComparableLHS:   {"T2010", `The expressions either side of operator "{{value}}" must evaluate to numeric or string values`},
	jsonatalib.ErrNonComparableRHS:   {"T2010", `The expressions either side of operator "{{value}}" must evaluate to numeric or string values`},
	jsonatalib.ErrTypeMismatch:       {"T2009", `The values either side of operator "{{value}}" must be of the same data type`},
	jsonatalib.ErrNonCallable:        {"T1006", "Attempted to invoke a non-function"},
	jsonatalib.ErrNonCallableApply:   {"T2006", "The right side of the function application operator ~> must be a function"},
	jsonatalib.ErrNonCallablePartial: {"T1008", "Attempted to partially apply a non-function"},
	jsonatalib.ErrNumberInf:          {"D1001", `Number out of range: result of the "{{value}}" operator`},
	jsonatalib.ErrNumberNaN:          {"D1001", `Number out of range: result of the "{{value}}" operator is not a number`},
	jsonatalib.ErrMaxRangeItems:      {"D2014", "The size of the sequence allocated by the range operator (..) must not exceed 1e7"},
	jsonatalib.ErrIllegalKey:         {"T1003", "Key in object structure must evaluate to a string"},
	jsonatalib.ErrDuplicateKey:       {"D1009", `Multiple key definitions evaluate to same key: "{{value}}"`},
	jsonatalib.ErrIllegalUpdate:      {"T2011", "The insert/update clause of the transform expression must evaluate to an object"},
	jsonatalib.ErrIllegalDelete:      {"T2012", "The delete clause of the transform expression must evaluate to a string or array of strings"},
	jsonatalib.ErrNonSortable:        {"T2008", "The expressions within an order-by clause must evaluate to numeric or string values"},
	jsonatalib.ErrSortMismatch:       {"T2007", "Type mismatch when comparing values in order-by clause"},
}

// codedError is an evaluation error with JSONata's code; the bridge's own
// functions raise it.
type codedError struct {
	code, msg string
}

func (e *codedError) Error() string { return e.code + ": " + e.msg }

func coded(code, format string, args ...any) *codedError {
	return &codedError{code: code, msg: fmt.Sprintf(format, args...)}
}

// boundError is a limit the bridge enforces; like AWS's own, it carries no
// JSONata code.
type boundError struct{ msg string }

func (e *boundError) Error() string { return e.msg }

// AWS's messages for its evaluation bounds.
var (
	errTimeout  = &boundError{"Expression evaluation timeout: Check for infinite loop"}
	errMemory   = &boundError{"Expression evaluation memory limit exceeded: Check for excessive memory usage"}
	errOverflow = &boundError{"Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive"}
)

// describe renders an evaluation error as AWS's cause tail: "CODE: message"
// for a JSONata error, the bare message for a bound, and sep is the
// separator AWS puts before it (". " after a coded message, ": " otherwise).
func describe(err error) (tail, sep string) {
	var (
		ce  *codedError
		be  *boundError
		ee  *jsonatalib.EvalError
		ate *jsonatalib.ArgTypeError
		ace *jsonatalib.ArgCountError
	)
	switch {
	case errors.As(err, &ce):
		return ce.Error(), ". "
	case errors.As(err, &be):
		return be.msg, ": "
	case errors.As(err, &ee):
		if c, ok := evalCodes[ee.Type]; ok {
			return c[0] + ": " + strings.NewReplacer("{{value}}", ee.Value, "{{token}}", ee.Token).Replace(c[1]), ". "
		}
		return ee.Error(), ": "
	case errors.As(err, &ate):
		return fmt.Sprintf("T0410: Argument %d of function %q does not match function signature", ate.Which, ate.Func), ". "
	case errors.As(err, &ace):
		return fmt.Sprintf("T0410: Argument %d of function %q does not match function signature", ace.Expected+1, ace.Func), ". "
	}
	return err.Error(), ": "
}

// queryError is the failure AWS reports for an expression that threw.
func queryError(expr, field string, err error) *failure.Error {
	tail, sep := describe(err)
	return failure.New(failure.QueryEvaluationError, "The JSONata expression '%s'%s threw an error during evaluation%s%s",
		expr, forField(field), sep, tail)
}

// undefinedError is the failure AWS reports for an expression that
// returned nothing where a value is required.
func undefinedError(expr, field string) *failure.Error {
	return failure.New(failure.QueryEvaluationError, "The JSONata expression '%s'%s returned nothing (undefined).",
		expr, forField(field))
}

func forField(field string) string {
	if field == "" {
		return ""
	}
	return " specified for the field '" + field + "'"
}
