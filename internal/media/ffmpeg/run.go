package ffmpeg

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// stderrTail is how much of a program's stderr an ExitError keeps.
const stderrTail = 8 << 10

// ExitError is a run that failed: the program, its arguments and the end
// of what it wrote to stderr.
type ExitError struct {
	Program string
	Args    []string
	Stderr  string
	Err     error // usually *exec.ExitError
}

func (e *ExitError) Error() string {
	msg := LastLine(e.Stderr)
	if msg == "" {
		return fmt.Sprintf("%s: %v", e.Program, e.Err)
	}
	return fmt.Sprintf("%s: %v: %s", e.Program, e.Err, msg)
}

func (e *ExitError) Unwrap() error { return e.Err }

// LastLine returns the last non-empty line of s, trimmed.
func LastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return ""
}

// Command is one ffmpeg run.
type Command struct {
	// Dir is the working directory; relative paths in Args resolve there.
	Dir string
	// Args follow the program name. Run adds nothing but the progress
	// flags below.
	Args []string
	// Progress, when set, receives every -progress report: Run puts
	// "-progress pipe:1 -nostats" before Args.
	Progress func(Progress)
	// Stderr, when set, also receives everything the program writes to
	// stderr (the ExitError keeps only the tail).
	Stderr io.Writer
}

// Run runs ffmpeg. Cancelling ctx kills the process; the error then wraps
// ctx's error (errors.Is(err, context.Canceled)).
func (t Tools) Run(ctx context.Context, c Command) error {
	args := c.Args
	if c.Progress != nil {
		args = append([]string{"-progress", "pipe:1", "-nostats"}, args...)
	}
	cmd := exec.CommandContext(ctx, t.FFmpeg, args...)
	cmd.Dir = c.Dir
	cmd.WaitDelay = 5 * time.Second
	tail := &tailBuffer{max: stderrTail}
	cmd.Stderr = tail
	if c.Stderr != nil {
		cmd.Stderr = io.MultiWriter(tail, c.Stderr)
	}
	var wg sync.WaitGroup
	if c.Progress != nil {
		out, err := cmd.StdoutPipe()
		if err != nil {
			return fmt.Errorf("ffmpeg: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ParseProgress(out, c.Progress)
		}()
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("ffmpeg: %w", err)
	}
	wg.Wait()
	err := cmd.Wait()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("ffmpeg: %w", ctxErr)
	}
	if err != nil {
		return &ExitError{Program: "ffmpeg", Args: args, Stderr: tail.String(), Err: err}
	}
	return nil
}

// Probe runs ffprobe with args and returns what it wrote to stdout.
func (t Tools) Probe(ctx context.Context, args ...string) ([]byte, error) {
	return output(ctx, "ffprobe", t.FFprobe, args)
}

// Output runs ffmpeg with args and returns what it wrote to stdout (for
// listings such as -encoders).
func (t Tools) Output(ctx context.Context, args ...string) ([]byte, error) {
	return output(ctx, "ffmpeg", t.FFmpeg, args)
}

func output(ctx context.Context, name, bin string, args []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.WaitDelay = 5 * time.Second
	var stdout bytes.Buffer
	tail := &tailBuffer{max: stderrTail}
	cmd.Stdout = &stdout
	cmd.Stderr = tail
	err := cmd.Run()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fmt.Errorf("%s: %w", name, ctxErr)
	}
	if err != nil {
		return stdout.Bytes(), &ExitError{Program: name, Args: args, Stderr: tail.String(), Err: err}
	}
	return stdout.Bytes(), nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// Progress is one ffmpeg -progress report.
type Progress struct {
	Frame     int64
	OutTime   time.Duration // media time written so far
	TotalSize int64         // bytes written to the first output
	Speed     float64       // times real time; 0 when unknown
	End       bool          // the last report of the run
}

// ParseProgress reads -progress output (key=value lines, each report ended
// by a progress=continue|end line) and calls f once per report.
func ParseProgress(r io.Reader, f func(Progress)) {
	sc := bufio.NewScanner(r)
	var p Progress
	for sc.Scan() {
		key, val, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		switch key {
		case "frame":
			fmt.Sscan(val, &p.Frame)
		case "out_time_us":
			var us int64
			if _, err := fmt.Sscan(val, &us); err == nil && us >= 0 {
				p.OutTime = time.Duration(us) * time.Microsecond
			}
		case "total_size":
			fmt.Sscan(val, &p.TotalSize)
		case "speed":
			fmt.Sscan(strings.TrimSuffix(val, "x"), &p.Speed)
		case "progress":
			p.End = val == "end"
			f(p)
			p = Progress{Frame: p.Frame, OutTime: p.OutTime, TotalSize: p.TotalSize}
		}
	}
	// Drain whatever is left so the process never blocks on a full pipe.
	_, _ = io.Copy(io.Discard, r)
}
