// Package cli is the typed flag binder every mie command uses. A command
// makes a Set, registers its settings on it (String, Int, Float, Bool,
// Duration, Bytes, List, Enum, Level, Log, Func), each bound to a variable
// and carrying a flag name, an environment variable (or none), a default
// and a usage line, adds Checks across them, and calls Parse. A setting's value comes from its flag if given, else from
// its environment variable if set and not blank, else its default.
//
// Parse reports every bad value at once (errors.Join), each error naming
// the flag and, when the value came from the environment, the variable.
// Flags and Usage list the settings for --help and the docs.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// Lookup reads an environment variable (os.LookupEnv).
type Lookup func(string) (string, bool)

// Flag describes one setting, for help and documentation.
type Flag struct {
	// Name is the flag without dashes: "kafka" is --kafka.
	Name string
	// Env is the environment variable that sets it; empty for a flag
	// with none.
	Env string
	// Default is the default as a user would type it.
	Default string
	// Usage says what the setting does.
	Usage string
	// Kind is the type of value: string, int, bool, duration, size,
	// list, one of ..., level, or a Func's.
	Kind string
}

// A Set is the flags, environment variables and positional arguments of
// one command.
type Set struct {
	name   string
	lookup Lookup
	flags  []*setting
	byName map[string]*setting
	args   []positional
	checks []func() error
}

type setting struct {
	Flag
	isBool bool
	// parse sets the bound variable from a value; its error says what is
	// wrong with the value (the Set names the flag).
	parse func(string) error
}

type positional struct {
	p    *string
	name string
}

// New makes a Set for the command called name ("mie serve"); lookup
// reads the environment, nil reads none.
func New(name string, lookup Lookup) *Set {
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	return &Set{name: name, lookup: lookup, byName: map[string]*setting{}}
}

// Name is the command's name.
func (s *Set) Name() string { return s.name }

// Flags lists the settings in the order they were registered.
func (s *Set) Flags() []Flag {
	out := make([]Flag, len(s.flags))
	for i, f := range s.flags {
		out[i] = f.Flag
	}
	return out
}

// LookupEnv reads an environment variable through the Set's Lookup, for
// a setting that has no flag (a secret).
func (s *Set) LookupEnv(name string) (string, bool) { return s.lookup(name) }

// Arg binds the next positional argument (shown as name in errors) to p.
// A command takes as many positional arguments as it binds; Parse
// rejects more. Checks decide whether one is required.
func (s *Set) Arg(p *string, name string) {
	s.args = append(s.args, positional{p: p, name: name})
}

// Check adds a validation that Parse runs once the values are read (also
// when some did not parse: their variables keep their defaults). Its
// error joins the others.
func (s *Set) Check(check func() error) {
	s.checks = append(s.checks, check)
}

func (s *Set) add(f *setting) {
	if f.Name == "" || strings.HasPrefix(f.Name, "-") || f.Name == "h" || f.Name == "help" {
		panic(fmt.Sprintf("cli: %s: bad flag name %q", s.name, f.Name))
	}
	if _, dup := s.byName[f.Name]; dup {
		panic(fmt.Sprintf("cli: %s: flag --%s registered twice", s.name, f.Name))
	}
	s.flags = append(s.flags, f)
	s.byName[f.Name] = f
}

// ValueError is a setting whose value does not parse.
type ValueError struct {
	// Flag is the setting's flag name, without dashes.
	Flag string
	// Env is the environment variable the value came from; empty when
	// it came from the command line.
	Env string
	// Err says what is wrong with the value.
	Err error
}

func (e *ValueError) Error() string {
	if e.Env != "" {
		return fmt.Sprintf("--%s: %v (from %s)", e.Flag, e.Err, e.Env)
	}
	return fmt.Sprintf("--%s: %v", e.Flag, e.Err)
}

func (e *ValueError) Unwrap() error { return e.Err }

// Parse reads args, then the environment, into the bound variables and
// runs the checks. It returns flag.ErrHelp for -h, -help or --help; an
// unknown flag, a flag missing its value or too many positional arguments
// stop it; otherwise it returns every bad value and failed check, joined.
func (s *Set) Parse(args []string) error {
	given, pos, err := s.scan(args)
	if err != nil {
		return err
	}
	var errs []error
	if len(pos) > len(s.args) {
		errs = append(errs, s.unexpected(pos[len(s.args):]))
		pos = pos[:len(s.args)]
	}
	for i, v := range pos {
		*s.args[i].p = v
	}
	for _, f := range s.flags {
		v, fromFlag := given[f.Name]
		env := ""
		if !fromFlag {
			if f.Env == "" {
				continue
			}
			ev, ok := s.lookup(f.Env)
			if ev = strings.TrimSpace(ev); !ok || ev == "" {
				continue
			}
			v, env = ev, f.Env
		}
		if err := f.parse(v); err != nil {
			errs = append(errs, &ValueError{Flag: f.Name, Env: env, Err: err})
		}
	}
	for _, check := range s.checks {
		errs = append(errs, check())
	}
	return errors.Join(errs...)
}

func (s *Set) unexpected(extra []string) error {
	takes := "only flags"
	if len(s.args) > 0 {
		var names []string
		for _, a := range s.args {
			names = append(names, a.name)
		}
		takes = strings.Join(names, " ") + " and flags"
	}
	q := make([]string, len(extra))
	for i, a := range extra {
		q[i] = strconv.Quote(a)
	}
	noun := "argument"
	if len(extra) > 1 {
		noun = "arguments"
	}
	return s.syntax("unexpected %s %s: %s takes %s", noun, strings.Join(q, " "), s.name, takes)
}

// scan splits args into flag values (trimmed, the last of a repeated flag
// winning) and positional arguments. Flags may come before, between or
// after the positional arguments; "--" ends them. A bool flag takes an
// optional value: --all, --all=false, or --s3-path-style true.
func (s *Set) scan(args []string) (map[string]string, []string, error) {
	given := map[string]string{}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name := strings.TrimPrefix(a[1:], "-")
		if name == "" || name[0] == '-' || name[0] == '=' {
			return nil, nil, s.syntax("bad flag syntax: %s", a)
		}
		name, value, hasValue := strings.Cut(name, "=")
		f, ok := s.byName[name]
		switch {
		case !ok && (name == "h" || name == "help"):
			return nil, nil, flag.ErrHelp
		case !ok:
			return nil, nil, s.syntax("flag provided but not defined: -%s", name)
		case hasValue:
		case f.isBool:
			value = "true"
			if i+1 < len(args) && s.boolValue(args[i+1]) {
				i++
				value = args[i]
			}
		case i+1 < len(args):
			i++
			value = args[i]
		default:
			return nil, nil, s.syntax("flag needs an argument: --%s", name)
		}
		given[name] = strings.TrimSpace(value)
	}
	return given, pos, nil
}

// boolValue says whether the argument after a bool flag written without
// "=" is its value: any argument that is not a flag, in a command that
// takes only flags (so that --validate-inputs maybe is a bad value, not a
// stray argument); else only true, false and the like.
func (s *Set) boolValue(next string) bool {
	if len(s.args) == 0 {
		return len(next) < 2 || next[0] != '-'
	}
	_, err := strconv.ParseBool(next)
	return err == nil
}

func (s *Set) syntax(format string, a ...any) error {
	return fmt.Errorf(format+" (see %s --help)", append(a, s.name)...)
}
