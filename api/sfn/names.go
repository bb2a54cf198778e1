package sfn

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Step Functions' rules for the names of state machines, executions and
// activities: 1 to 80 characters, none of them white space, a bracket
// (< > { } [ ]), a wildcard (? *), one of " # % \ ^ | ~ ` $ & , ; : /, or a
// control character (U+0000-001F, U+007F-009F).
const maxName = 80

const forbiddenInName = " <>{}[]?*\"#%\\^|~`$&,;:/"

// checkName returns InvalidName for a name that breaks the rules.
func checkName(what, name string) error {
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return fault(InvalidName, "Invalid Name: %s must not be empty", what)
	case n > maxName:
		return fault(InvalidName, "Invalid Name: '%s': a %s has at most %d characters", name, what, maxName)
	case !utf8.ValidString(name):
		return fault(InvalidName, "Invalid Name: '%s' is not UTF-8", name)
	}
	for _, r := range name {
		if strings.ContainsRune(forbiddenInName, r) || r <= 0x1f || r >= 0x7f && r <= 0x9f || r == '\u00a0' || r == '\t' {
			return fault(InvalidName, "Invalid Name: '%s': a %s must not contain %q", name, what, r)
		}
	}
	return nil
}

// aliasName is an alias's pattern: letters, digits, '_', '-' and '.',
// with at least one that is not a digit (so no alias looks like a version).
var aliasName = regexp.MustCompile(`^[a-zA-Z0-9_.-]*[a-zA-Z_.-][a-zA-Z0-9_.-]*$`)

func checkAliasName(name string) error {
	if len(name) == 0 || len(name) > maxName || !aliasName.MatchString(name) {
		return fault(InvalidName, "Invalid Name: '%s': an alias has 1 to %d letters, digits, '_', '-' or '.', not all digits", name, maxName)
	}
	return nil
}
