package ffmpeg_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/mediatest"
)

func TestParseProgress(t *testing.T) {
	in := "frame=10\nfps=0.0\nout_time_us=333333\ntotal_size=48\nspeed=1.5x\nprogress=continue\n" +
		"frame=60\nout_time_us=N/A\nprogress=continue\n" +
		"frame=61\nout_time_us=2000000\ntotal_size=9000\nspeed=N/A\nprogress=end\n"
	var got []ffmpeg.Progress
	ffmpeg.ParseProgress(strings.NewReader(in), func(p ffmpeg.Progress) { got = append(got, p) })
	want := []ffmpeg.Progress{
		{Frame: 10, OutTime: 333333 * time.Microsecond, TotalSize: 48, Speed: 1.5},
		{Frame: 60, OutTime: 333333 * time.Microsecond, TotalSize: 48},
		{Frame: 61, OutTime: 2 * time.Second, TotalSize: 9000, End: true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d reports: %+v", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("report %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestRunReportsProgressAndFailure(t *testing.T) {
	tools := mediatest.Tools(t)
	dir := t.TempDir()
	var last ffmpeg.Progress
	err := tools.Run(t.Context(), ffmpeg.Command{
		Dir:      dir,
		Args:     []string{"-f", "lavfi", "-i", "testsrc2=size=64x64:rate=10:duration=1", "-f", "null", "-"},
		Progress: func(p ffmpeg.Progress) { last = p },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !last.End || last.Frame != 10 {
		t.Fatalf("last report = %+v", last)
	}
	err = tools.Run(t.Context(), ffmpeg.Command{Dir: dir, Args: []string{"-i", "missing.mp4", "-f", "null", "-"}})
	var exit *ffmpeg.ExitError
	if !errors.As(err, &exit) || !strings.Contains(err.Error(), "missing.mp4: No such file or directory") {
		t.Fatalf("err = %v", err)
	}
}

func TestRunCancelKills(t *testing.T) {
	tools := mediatest.Tools(t)
	ctx, cancel := context.WithCancel(t.Context())
	started := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- tools.Run(ctx, ffmpeg.Command{
			Dir:  t.TempDir(),
			Args: []string{"-re", "-f", "lavfi", "-i", "testsrc2=size=64x64:rate=10:duration=600", "-f", "null", "-"},
			Progress: func(ffmpeg.Progress) {
				select {
				case started <- struct{}{}:
				default:
				}
			},
		})
	}()
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("ffmpeg never reported progress")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestFindNamesMissingProgram(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := ffmpeg.Find()
	var ni *ffmpeg.NotInstalledError
	if !errors.Is(err, ffmpeg.ErrNotInstalled) || !errors.As(err, &ni) || ni.Program != "ffmpeg" {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "ffmpeg not installed") || !strings.Contains(err.Error(), "brew install ffmpeg") {
		t.Fatalf("message = %q", err)
	}
}
