package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// mie consume as a process: it prints each change as one JSON line, and on
// SIGTERM commits what it printed and exits 0.
func TestConsumeProcessPrintsAndStopsOnSIGTERM(t *testing.T) {
	cfg, cat := kafkatest.Start(t)
	var recs []*events.Envelope
	for i, p := range []events.Payload{
		&events.AssetCreated{AssetId: "a1", MediaType: "Video", S3Bucket: "media", S3Key: "in/a1.mp4"},
		&events.MetadataStored{AssetId: "a1", OperatorName: "Labels", Final: true, Results: json.RawMessage(`{"Labels":[]}`)},
		&events.AssetDeleted{AssetId: "a1"},
	} {
		env, err := events.New("a1", "test", p)
		if err != nil {
			t.Fatal(i, err)
		}
		recs = append(recs, &env)
		rec, err := env.Record(cat.Dataplane())
		if err != nil {
			t.Fatal(err)
		}
		kafkatest.Produce(t, cfg, rec)
	}
	group := "proc-" + events.NewID()
	cmd := exec.Command(bin, "consume", "--kafka", strings.Join(cfg.Brokers, ","),
		"--topic-prefix", cat.Prefix, "--group", group)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("stderr:\n%s", stderr.String())
		}
	}()
	got := make(chan []string, 1)
	go func() {
		var lines []string
		sc := bufio.NewScanner(stdout)
		for len(lines) < len(recs) && sc.Scan() {
			lines = append(lines, sc.Text())
		}
		got <- lines
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var lines []string
	select {
	case lines = <-got:
	case <-time.After(kafkatest.Timeout):
		t.Fatal("mie consume printed too little")
	}
	for i, line := range lines {
		var c struct {
			Topic     string          `json:"topic"`
			Partition int32           `json:"partition"`
			Offset    int64           `json:"offset"`
			Key       string          `json:"key"`
			Envelope  events.Envelope `json:"envelope"`
		}
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("line %d %q: %v", i, line, err)
		}
		if c.Topic != cat.Dataplane() || c.Key != "a1" || c.Envelope.ID != recs[i].ID || c.Envelope.Type != recs[i].Type {
			t.Fatalf("line %d = %s, want %s %s", i, line, recs[i].Type, recs[i].ID)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v, want 0", err)
		}
	case <-time.After(kafkatest.Timeout):
		t.Fatal("mie consume did not exit after SIGTERM")
	}
	resp, err := kadm.NewClient(kafkatest.Client(t, cfg)).FetchOffsets(t.Context(), group)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Topic == cat.Dataplane() && o.Err == nil && o.At >= 0 {
			total += o.At
		}
	})
	if total != int64(len(recs)) {
		t.Fatalf("committed offsets add up to %d, want %d", total, len(recs))
	}
}

func TestConsumeProcessBadFlags(t *testing.T) {
	cmd := exec.Command(bin, "consume", "--kafka", "127.0.0.1:1", "--from", "middle")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("exit = %v, want 2", err)
	}
	if !strings.Contains(string(out), `mie consume: --from "middle"`) {
		t.Fatalf("output %q does not explain --from", out)
	}
	out, err = exec.Command(bin, "consume", "--help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Usage: mie consume") || !strings.Contains(string(out), "--webhook") {
		t.Fatalf("--help: %v\n%s", err, out)
	}
}
