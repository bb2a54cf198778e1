package main

import (
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/cli"
)

// helpSections splits `mie --help` at its "Flags of X:" headings.
func helpSections(text string) map[string]string {
	out := map[string]string{}
	parts := strings.Split(text, "\nFlags of ")
	for _, p := range parts[1:] {
		title, body, _ := strings.Cut(p, ":\n")
		out[title] = body
	}
	return out
}

// flagLine is the line of --name in a listing.
func flagLine(listing, name string) (string, bool) {
	for _, line := range strings.Split(listing, "\n") {
		if strings.HasPrefix(line, "  --"+name+" ") {
			return line, true
		}
	}
	return "", false
}

func checkListed(t *testing.T, where, listing string, fs []cli.Flag) {
	t.Helper()
	if len(fs) == 0 {
		t.Errorf("%s: no flags", where)
	}
	for _, f := range fs {
		line, ok := flagLine(listing, f.Name)
		def := f.Default
		if def == "" {
			def = `""`
		}
		if !ok || !strings.Contains(line, f.Env) || !strings.Contains(line, f.Usage) || !strings.HasSuffix(line, "(default "+def+")") {
			t.Errorf("%s: --%s (%s, default %s, %q) is not listed; line %q", where, f.Name, f.Env, def, f.Usage, line)
		}
	}
}

// `mie --help` lists every command, and every flag of every command with
// its environment variable, usage and default.
func TestHelpListsEveryCommandAndFlag(t *testing.T) {
	text := usage()
	commandList, _, _ := strings.Cut(text, "\nA flag with an environment variable")
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
		if !strings.Contains(commandList, "\n  "+c.name+" ") {
			t.Errorf("command %s is not listed", c.name)
		}
		if c.help == nil || c.run == nil {
			t.Errorf("command %s has no help or no run", c.name)
		}
	}
	if want := []string{"serve", "api", "executor", "worker", "projector", "projections", "bench", "consume", "dlq", "version"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("commands %v, want %v", names, want)
	}
	sections := helpSections(text)
	var titles []string
	for _, c := range commands {
		for _, s := range c.flags {
			title := strings.TrimPrefix(s.Name(), "mie ")
			titles = append(titles, title)
			checkListed(t, "mie --help, flags of "+title, sections[title], s.Flags())
		}
	}
	want := []string{"serve", "api", "executor", "worker", "projector", "projections", "bench", "consume", "dlq list", "dlq replay"}
	if !reflect.DeepEqual(titles, want) {
		t.Fatalf("flag sections %v, want %v", titles, want)
	}
	if len(sections) != len(want) {
		t.Fatalf("mie --help has %d flag sections, want %d", len(sections), len(want))
	}
}

// `mie <command> --help` prints that command's flags and exits 0.
func TestCommandHelp(t *testing.T) {
	for _, c := range commands {
		args := [][]string{{c.name, "--help"}}
		switch c.name {
		case "projections":
			args = append(args, []string{"projections", "rebuild", "--help"}, []string{"projections", "status", "-h"})
		case "dlq":
			args = append(args, []string{"dlq", "list", "--help"}, []string{"dlq", "replay", "-h"})
		}
		for _, a := range args {
			out, err := exec.Command(bin, a...).Output()
			if err != nil {
				t.Errorf("mie %v: %v", a, err)
				continue
			}
			for _, s := range c.flags {
				sub := strings.TrimPrefix(strings.TrimPrefix(s.Name(), "mie "), c.name+" ")
				if c.name == "dlq" && len(a) == 3 && a[1] != sub {
					continue // mie dlq list --help shows list's flags only
				}
				checkListed(t, "mie "+strings.Join(a, " "), string(out), s.Flags())
			}
		}
	}
}

// Usage errors exit 2, naming the command and the flag.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"executor", "--partitions", "x"}, `mie executor: --partitions: "x" is not a number`},
		{[]string{"serve", "stray"}, `mie serve: unexpected argument "stray"`},
		{[]string{"bench", "--executions", "x"}, `mie bench: --executions: "x" is not a number`},
		{[]string{"bench", "--concurrency", "0"}, "mie bench: --executions and --concurrency must be positive"},
		{[]string{"dlq", "list", "--limit", "x"}, `mie: dlq list: --limit: "x" is not a number`},
		{[]string{"dlq", "list", "--kafka", "h:1", "extra"}, `mie: dlq list: unexpected argument "extra"`},
		{[]string{"dlq"}, "mie: dlq: want list or replay"},
		{[]string{"projections", "rebuild", "--kafka", "h:1"}, "rebuild needs the projection's NAME"},
		{[]string{"projections", "status", "x", "--kafka", "h:1"}, `unexpected argument "x": mie projections status takes only flags`},
		{[]string{"version", "--nope"}, "mie version: flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		out, err := exec.Command(bin, tt.args...).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Errorf("mie %v: exit %v, want 2\n%s", tt.args, err, out)
		}
		if !strings.Contains(string(out), tt.want) {
			t.Errorf("mie %v: output does not say %q:\n%s", tt.args, tt.want, out)
		}
	}
}
