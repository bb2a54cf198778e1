package cli

import (
	"fmt"
	"strings"
)

// Usage lists the Set's flags, one a line: the flag, its environment
// variable, what it does and its default ("" when empty).
func (s *Set) Usage() string { return FormatFlags(s.Flags()) }

// FormatFlags lists flags as Usage does, in aligned columns.
func FormatFlags(flags []Flag) string {
	nameW, envW := 0, 0
	for _, f := range flags {
		nameW, envW = max(nameW, len(f.Name)), max(envW, len(f.Env))
	}
	var b strings.Builder
	for _, f := range flags {
		def := f.Default
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(&b, "  --%-*s  %-*s  %s (default %s)\n", nameW, f.Name, envW, f.Env, f.Usage, def)
	}
	return b.String()
}
