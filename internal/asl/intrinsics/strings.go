package intrinsics

import (
	"strings"

	"github.com/google/uuid"
)

// States.Format(template, values...): the template with each {} replaced
// by the next value (a string as it is, anything else as JSON text, null
// as "null"). In the template \{ \} \' and \\ stand for the character;
// any other brace is an error, and there must be exactly as many values
// as {}.
func evalFormat(c *Call, _ Env, args []any) (any, error) {
	tmpl, ok := args[0].(string)
	if !ok {
		return nil, c.failArg(0, "(template) must be a string, not %s", kind(args[0]))
	}
	if a := c.args[0]; a.kind == argString {
		tmpl = a.raw // a literal keeps its escapes until here
	}
	var b strings.Builder
	next := 1
	for i := 0; i < len(tmpl); i++ {
		ch := tmpl[i]
		switch {
		case ch == '\\' && i+1 < len(tmpl):
			i++
			b.WriteByte(tmpl[i])
		case ch == '{' && i+1 < len(tmpl) && tmpl[i+1] == '}':
			if next >= len(args) {
				return nil, c.fail("the template has more {} than the %d values given", len(args)-1)
			}
			b.WriteString(text(args[next]))
			next++
			i++
		case ch == '{' || ch == '}':
			return nil, c.failArg(0, "(template) has an unmatched %q at offset %d; escape it as \\%c", ch, i, ch)
		default:
			b.WriteByte(ch)
		}
	}
	if next != len(args) {
		return nil, c.fail("the template has %d {} but %d values are given", next-1, len(args)-1)
	}
	return b.String(), nil
}

// States.StringSplit(string, delimiters): the pieces between any of the
// delimiter characters. As AWS does (Java's StringTokenizer), empty pieces
// are dropped, so "" gives [] and an empty delimiter gives [string].
func evalStringSplit(c *Call, _ Env, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return nil, c.failArg(0, "must be a string, not %s", kind(args[0]))
	}
	delims, ok := args[1].(string)
	if !ok {
		return nil, c.failArg(1, "(delimiter) must be a string, not %s", kind(args[1]))
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delims, r) })
	out := make([]any, len(fields))
	for i, f := range fields {
		out[i] = f
	}
	return out, nil
}

// States.UUID(): a version 4 UUID.
func evalUUID(_ *Call, env Env, _ []any) (any, error) {
	if env.UUID != nil {
		return env.UUID(), nil
	}
	return uuid.NewString(), nil
}
