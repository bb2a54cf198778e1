package cli

import (
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// bind registers a setting of type T: p starts at def, and a value from a
// flag or the environment goes through parse.
func bind[T any](s *Set, p *T, name, env string, def T, usage, kind, defText string, parse func(string) (T, error)) {
	*p = def
	s.add(&setting{
		Flag: Flag{Name: name, Env: env, Default: defText, Usage: usage, Kind: kind},
		parse: func(v string) error {
			x, err := parse(v)
			if err != nil {
				return err
			}
			*p = x
			return nil
		},
	})
}

// String binds a string setting; surrounding blanks are trimmed.
func (s *Set) String(p *string, name, env, def, usage string) {
	bind(s, p, name, env, def, usage, "string", def, func(v string) (string, error) { return v, nil })
}

// Int binds an integer setting.
func (s *Set) Int(p *int, name, env string, def int, usage string) {
	bind(s, p, name, env, def, usage, "int", strconv.Itoa(def), func(v string) (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", v)
		}
		return n, nil
	})
}

// Float binds a decimal number setting.
func (s *Set) Float(p *float64, name, env string, def float64, usage string) {
	bind(s, p, name, env, def, usage, "number", strconv.FormatFloat(def, 'g', -1, 64), func(v string) (float64, error) {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", v)
		}
		return x, nil
	})
}

// Bool binds a true/false setting. On the command line the value may be
// left out (--all is --all=true) or follow as the next argument
// (--s3-path-style true).
func (s *Set) Bool(p *bool, name, env string, def bool, usage string) {
	bind(s, p, name, env, def, usage, "bool", strconv.FormatBool(def), func(v string) (bool, error) {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, fmt.Errorf("%q, want true or false", v)
		}
		return b, nil
	})
	s.flags[len(s.flags)-1].isBool = true
}

// Duration binds a duration setting, written like 500ms, 30s or 1h.
func (s *Set) Duration(p *time.Duration, name, env string, def time.Duration, usage string) {
	bind(s, p, name, env, def, usage, "duration", FormatDuration(def), func(v string) (time.Duration, error) {
		d, err := time.ParseDuration(v)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration like 500ms, 30s or 1h", v)
		}
		return d, nil
	})
}

// Bytes binds a size setting, written as ParseBytes reads it.
func (s *Set) Bytes(p *int64, name, env string, def int64, usage string) {
	bind(s, p, name, env, def, usage, "size", FormatBytes(def), ParseBytes)
}

// List binds a comma-separated list; blank items are dropped.
func (s *Set) List(p *[]string, name, env string, def []string, usage string) {
	bind(s, p, name, env, def, usage, "list", strings.Join(def, ","), func(v string) ([]string, error) {
		return SplitList(v), nil
	})
}

// Enum binds a setting that is one of allowed.
func (s *Set) Enum(p *string, name, env, def string, allowed []string, usage string) {
	if !slices.Contains(allowed, def) {
		panic(fmt.Sprintf("cli: %s: --%s: default %q is not one of %q", s.name, name, def, allowed))
	}
	want := oneOf(allowed)
	bind(s, p, name, env, def, usage, "one of "+strings.Join(allowed, "|"), def, func(v string) (string, error) {
		if !slices.Contains(allowed, v) {
			return "", fmt.Errorf("%q, want %s", v, want)
		}
		return v, nil
	})
}

// Level binds a log level: debug, info, warn or error (slog's names,
// with an optional offset like warn+2).
func (s *Set) Level(p *slog.Level, name, env string, def slog.Level, usage string) {
	bind(s, p, name, env, def, usage, "level", strings.ToLower(def.String()), ParseLevel)
}

// Func binds a setting of any type, parsed by parse; the default is shown
// as fmt.Sprint prints it, or empty when it is T's zero value. parse's
// error should say what is wrong with the value; the Set names the flag.
func Func[T any](s *Set, p *T, name, env string, def T, usage string, parse func(string) (T, error)) {
	text := ""
	if !reflect.ValueOf(&def).Elem().IsZero() {
		text = fmt.Sprint(def)
	}
	bind(s, p, name, env, def, usage, fmt.Sprintf("%T", def), text, parse)
}

// ParseLevel parses a log level name.
func ParseLevel(v string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return 0, fmt.Errorf("%q, want debug, info, warn or error", v)
	}
	return l, nil
}

// SplitList splits a comma-separated list, trimming items and dropping
// blank ones.
func SplitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var sizeUnits = []struct {
	suffix string
	mult   int64
}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
	{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}

// ParseBytes parses a size: a number of bytes, or one with a unit (KB, MB,
// GB, TB are powers of 1000; KiB, MiB, GiB, TiB of 1024), e.g. 512KiB or
// 5GiB.
func ParseBytes(v string) (int64, error) {
	num, mult := strings.TrimSpace(v), int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a positive size like 1048576, 512KiB or 5GiB", v)
	}
	return n * mult, nil
}

// FormatBytes writes n in the largest binary unit that divides it:
// 524288 is 512KiB.
func FormatBytes(n int64) string {
	for _, u := range sizeUnits[:4] {
		if n != 0 && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// FormatDuration is d.String() without zero minutes and seconds: 1h, 15m,
// 1h30m, 10s, 500ms.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// oneOf writes "a, b or c".
func oneOf(vs []string) string {
	if len(vs) < 2 {
		return strings.Join(vs, "")
	}
	return strings.Join(vs[:len(vs)-1], ", ") + " or " + vs[len(vs)-1]
}
