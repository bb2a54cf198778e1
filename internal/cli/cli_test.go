package cli_test

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/cli"
)

func env(m map[string]string) cli.Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// settings is one of every kind, bound on a fresh Set.
type settings struct {
	str   string
	n     int
	x     float64
	b     bool
	d     time.Duration
	size  int64
	list  []string
	enum  string
	level slog.Level
	pair  [2]string
	arg   string
}

func newSet(lookup cli.Lookup) (*cli.Set, *settings) {
	s := cli.New("mie test", lookup)
	v := &settings{}
	s.String(&v.str, "str", "T_STR", "dflt", "a string")
	s.Int(&v.n, "n", "T_N", 7, "a number")
	s.Float(&v.x, "x", "T_X", 0.5, "a decimal")
	s.Bool(&v.b, "b", "T_B", false, "a switch")
	s.Duration(&v.d, "d", "T_D", 90*time.Second, "a duration")
	s.Bytes(&v.size, "size", "T_SIZE", 512<<10, "a size")
	s.List(&v.list, "list", "T_LIST", []string{"a", "b"}, "a list")
	s.Enum(&v.enum, "enum", "T_ENUM", "local", []string{"local", "s3", "gcs"}, "a choice")
	s.Level(&v.level, "level", "T_LEVEL", slog.LevelInfo, "a level")
	cli.Func(s, &v.pair, "pair", "", [2]string{}, "key=value", func(s string) ([2]string, error) {
		k, val, ok := strings.Cut(s, "=")
		if !ok {
			return [2]string{}, errors.New("want key=value")
		}
		return [2]string{k, val}, nil
	})
	return s, v
}

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(*settings) any
		is   any
	}{
		{"default", nil, nil, func(v *settings) any { return v.n }, 7},
		{"env over default", nil, map[string]string{"T_N": "8"}, func(v *settings) any { return v.n }, 8},
		{"flag over env", []string{"--n", "9"}, map[string]string{"T_N": "8"}, func(v *settings) any { return v.n }, 9},
		{"flag over default", []string{"-n=10"}, nil, func(v *settings) any { return v.n }, 10},
		{"last flag wins", []string{"--n", "1", "--n", "2"}, nil, func(v *settings) any { return v.n }, 2},
		{"blank env is unset", nil, map[string]string{"T_STR": "  "}, func(v *settings) any { return v.str }, "dflt"},
		{"empty flag is a value", []string{"--str", ""}, map[string]string{"T_STR": "env"}, func(v *settings) any { return v.str }, ""},
		{"values are trimmed", []string{"--str", " x "}, nil, func(v *settings) any { return v.str }, "x"},
		{"env trimmed", nil, map[string]string{"T_D": " 2m "}, func(v *settings) any { return v.d }, 2 * time.Minute},
		{"bool env", nil, map[string]string{"T_B": "true"}, func(v *settings) any { return v.b }, true},
		{"bool flag over env", []string{"--b=false"}, map[string]string{"T_B": "true"}, func(v *settings) any { return v.b }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, v := newSet(env(tt.env))
			if err := s.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if got := tt.want(v); !reflect.DeepEqual(got, tt.is) {
				t.Fatalf("got %v, want %v", got, tt.is)
			}
		})
	}
}

func TestKinds(t *testing.T) {
	tests := []struct {
		args []string
		get  func(*settings) any
		want any
	}{
		{[]string{"--str", "hello"}, func(v *settings) any { return v.str }, "hello"},
		{[]string{"--n", "-3"}, func(v *settings) any { return v.n }, -3},
		{[]string{"--x", "2.5"}, func(v *settings) any { return v.x }, 2.5},
		{[]string{"--b"}, func(v *settings) any { return v.b }, true},
		{[]string{"--b", "true"}, func(v *settings) any { return v.b }, true},
		{[]string{"--b", "0"}, func(v *settings) any { return v.b }, false},
		{[]string{"--b=t"}, func(v *settings) any { return v.b }, true},
		{[]string{"--d", "1h30m"}, func(v *settings) any { return v.d }, 90 * time.Minute},
		{[]string{"--size", "5GiB"}, func(v *settings) any { return v.size }, int64(5 << 30)},
		{[]string{"--size", "2 MB"}, func(v *settings) any { return v.size }, int64(2e6)},
		{[]string{"--size", "1048576"}, func(v *settings) any { return v.size }, int64(1 << 20)},
		{[]string{"--list", " x, ,y ,"}, func(v *settings) any { return v.list }, []string{"x", "y"}},
		{[]string{"--list", ""}, func(v *settings) any { return v.list }, []string(nil)},
		{[]string{"--enum", "s3"}, func(v *settings) any { return v.enum }, "s3"},
		{[]string{"--level", "WARN"}, func(v *settings) any { return v.level }, slog.LevelWarn},
		{[]string{"--level", "debug"}, func(v *settings) any { return v.level }, slog.LevelDebug},
		{[]string{"--pair", "k=v"}, func(v *settings) any { return v.pair }, [2]string{"k", "v"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			s, v := newSet(nil)
			if err := s.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if got := tt.get(v); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestValueErrors(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--n", "x"}, nil, `--n: "x" is not a number`},
		{[]string{"--n", ""}, nil, `--n: "" is not a number`},
		{[]string{"--x", "fast"}, nil, `--x: "fast" is not a number`},
		{[]string{"--b=maybe"}, nil, `--b: "maybe", want true or false`},
		{[]string{"--b", "maybe"}, nil, `--b: "maybe", want true or false`},
		{nil, map[string]string{"T_B": "maybe"}, `--b: "maybe", want true or false (from T_B)`},
		{[]string{"--d", "soon"}, nil, `--d: "soon" is not a duration like 500ms, 30s or 1h`},
		{[]string{"--size", "big"}, nil, `--size: "big" is not a positive size like 1048576, 512KiB or 5GiB`},
		{[]string{"--size", "0"}, nil, `--size: "0" is not a positive size`},
		{[]string{"--size", "-1KiB"}, nil, `--size: "-1KiB" is not a positive size`},
		{[]string{"--size", "9999999TiB"}, nil, `--size: "9999999TiB" is not a positive size`},
		{[]string{"--enum", "ftp"}, nil, `--enum: "ftp", want local, s3 or gcs`},
		{[]string{"--level", "loud"}, nil, `--level: "loud", want debug, info, warn or error`},
		{[]string{"--pair", "kv"}, nil, `--pair: want key=value`},
		{nil, map[string]string{"T_N": "x"}, `--n: "x" is not a number (from T_N)`},
		{nil, map[string]string{"T_ENUM": "ftp"}, `--enum: "ftp", want local, s3 or gcs (from T_ENUM)`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.args, tt.env), func(t *testing.T) {
			s, _ := newSet(env(tt.env))
			err := s.Parse(tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to say %q", err, tt.want)
			}
			var ve *cli.ValueError
			if !errors.As(err, &ve) {
				t.Fatalf("%v is not a ValueError", err)
			}
		})
	}
}

// A bad value keeps the default, and every problem is reported at once.
func TestErrorsJoined(t *testing.T) {
	s, v := newSet(env(map[string]string{"T_D": "later"}))
	s.Check(func() error { return errors.New("check ran") })
	err := s.Parse([]string{"--n", "x", "--enum", "ftp", "--size", "big"})
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{`--n: "x" is not a number`, `--d: "later" is not a duration like 500ms, 30s or 1h (from T_D)`,
		`--size: "big"`, `--enum: "ftp"`, "check ran"}
	if len(lines) != len(want) {
		t.Fatalf("%d errors, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d = %q, want %q", i, lines[i], w)
		}
	}
	if v.n != 7 || v.d != 90*time.Second || v.enum != "local" || v.size != 512<<10 {
		t.Fatalf("bad values changed the defaults: %+v", v)
	}
}

func TestSyntax(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--nope", "1"}, "flag provided but not defined: -nope (see mie test --help)"},
		{[]string{"--n"}, "flag needs an argument: --n (see mie test --help)"},
		{[]string{"---n", "1"}, "bad flag syntax: ---n"},
		{[]string{"-=1"}, "bad flag syntax: -=1"},
		{[]string{"one", "two", "three"}, `unexpected arguments "two" "three": mie test takes NAME and flags`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			s, v := newSet(nil)
			s.Arg(&v.arg, "NAME")
			err := s.Parse(tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
	s := cli.New("mie flags-only", nil)
	if err := s.Parse([]string{"extra"}); err == nil || err.Error() != `unexpected argument "extra": mie flags-only takes only flags (see mie flags-only --help)` {
		t.Fatalf("positional where none is taken: %v", err)
	}
}

func TestArgsAndFlagsInterleave(t *testing.T) {
	s, v := newSet(nil)
	s.Arg(&v.arg, "NAME")
	if err := s.Parse([]string{"--n", "3", "executions", "--b", "--str", "s"}); err != nil {
		t.Fatal(err)
	}
	if v.arg != "executions" || v.n != 3 || !v.b || v.str != "s" {
		t.Fatalf("got %+v", v)
	}
	s, v = newSet(nil)
	s.Arg(&v.arg, "NAME")
	if err := s.Parse([]string{"--b", "--", "--n"}); err != nil || v.arg != "--n" || !v.b {
		t.Fatalf("after --: %+v, %v", v, err)
	}
	// Where a command takes positional arguments, only a literal is a bare
	// bool flag's value.
	s, v = newSet(nil)
	s.Arg(&v.arg, "NAME")
	if err := s.Parse([]string{"--b", "executions"}); err != nil || v.arg != "executions" || !v.b {
		t.Fatalf("bool then NAME: %+v, %v", v, err)
	}
	s, v = newSet(nil)
	s.Arg(&v.arg, "NAME")
	if err := s.Parse([]string{"--b", "false", "executions"}); err != nil || v.arg != "executions" || v.b {
		t.Fatalf("bool false then NAME: %+v, %v", v, err)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {"--n", "1", "--help"}, {"--help", "--nope"}} {
		s, _ := newSet(nil)
		if err := s.Parse(args); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%v: %v, want flag.ErrHelp", args, err)
		}
	}
}

func TestFlagsAndUsage(t *testing.T) {
	s, _ := newSet(nil)
	got := s.Flags()
	want := []cli.Flag{
		{Name: "str", Env: "T_STR", Default: "dflt", Usage: "a string", Kind: "string"},
		{Name: "n", Env: "T_N", Default: "7", Usage: "a number", Kind: "int"},
		{Name: "x", Env: "T_X", Default: "0.5", Usage: "a decimal", Kind: "number"},
		{Name: "b", Env: "T_B", Default: "false", Usage: "a switch", Kind: "bool"},
		{Name: "d", Env: "T_D", Default: "1m30s", Usage: "a duration", Kind: "duration"},
		{Name: "size", Env: "T_SIZE", Default: "512KiB", Usage: "a size", Kind: "size"},
		{Name: "list", Env: "T_LIST", Default: "a,b", Usage: "a list", Kind: "list"},
		{Name: "enum", Env: "T_ENUM", Default: "local", Usage: "a choice", Kind: "one of local|s3|gcs"},
		{Name: "level", Env: "T_LEVEL", Default: "info", Usage: "a level", Kind: "level"},
		{Name: "pair", Env: "", Default: "", Usage: "key=value", Kind: "[2]string"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Flags() =\n%+v\nwant\n%+v", got, want)
	}
	u := s.Usage()
	for _, line := range []string{
		"  --str    T_STR    a string (default dflt)\n",
		"  --size   T_SIZE   a size (default 512KiB)\n",
		"  --pair            key=value (default \"\")\n",
	} {
		if !strings.Contains(u, line) {
			t.Errorf("usage lacks %q:\n%s", line, u)
		}
	}
	var tag [2]string
	f := cli.New("func", nil)
	cli.Func(f, &tag, "tag", "T_TAG", [2]string{"k", "v"}, "a tag", func(string) ([2]string, error) { return tag, nil })
	if d := f.Flags()[0].Default; d != "[k v]" {
		t.Errorf("Func default shown as %q", d)
	}
	e := cli.New("empty", nil)
	var sv string
	e.String(&sv, "s", "", "", "nothing")
	if u := e.Usage(); u != "  --s    nothing (default \"\")\n" {
		t.Errorf("empty default: %q", u)
	}
}

func TestFormat(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Hour: "1h", 15 * time.Minute: "15m", 90 * time.Minute: "1h30m",
		10 * time.Second: "10s", 500 * time.Millisecond: "500ms", 0: "0s", time.Hour + time.Second: "1h0m1s"} {
		if got := cli.FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
	for n, want := range map[int64]string{512 << 10: "512KiB", 5 << 30: "5GiB", 8 << 20: "8MiB", 1000: "1000", 0: "0", 3 << 40: "3TiB"} {
		if got := cli.FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
		if n > 0 {
			if back, err := cli.ParseBytes(cli.FormatBytes(n)); err != nil || back != n {
				t.Errorf("ParseBytes(FormatBytes(%d)) = %d, %v", n, back, err)
			}
		}
	}
}

func TestLogger(t *testing.T) {
	var b strings.Builder
	s := cli.New("mie log", env(map[string]string{"MIE_LOG_FORMAT": "json"}))
	var l cli.Log
	s.Log(&l)
	if err := s.Parse([]string{"--log-level", "warn"}); err != nil {
		t.Fatal(err)
	}
	log := l.Logger(&b)
	log.Info("hidden")
	log.Warn("shown")
	if out := b.String(); strings.Contains(out, "hidden") || !strings.HasPrefix(out, `{"time"`) || !strings.Contains(out, `"msg":"shown"`) {
		t.Fatalf("logger wrote %q", out)
	}
}

func TestRegistrationMistakesPanic(t *testing.T) {
	for name, reg := range map[string]func(*cli.Set){
		"twice":       func(s *cli.Set) { var a, b string; s.String(&a, "x", "", "", ""); s.String(&b, "x", "", "", "") },
		"help":        func(s *cli.Set) { var a bool; s.Bool(&a, "help", "", false, "") },
		"bad default": func(s *cli.Set) { var a string; s.Enum(&a, "e", "", "z", []string{"a"}, "") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			reg(cli.New("mie x", nil))
		})
	}
}
