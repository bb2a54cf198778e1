// Package ffmpeg is the media packages' one boundary with the ffmpeg and
// ffprobe programs: it finds them on PATH (a typed error naming the missing
// program and how to install it), runs them under a context (cancelling the
// context kills the process), keeps the tail of their stderr for error
// messages, and parses ffmpeg's -progress reports.
//
// Nothing here knows about MediaConvert, probing or quality control; those
// packages build the arguments.
package ffmpeg

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNotInstalled is wrapped by every error that says ffmpeg or ffprobe is
// missing, so callers can skip or fail with the reason.
var ErrNotInstalled = errors.New("not installed")

// NotInstalledError names the program that could not be found.
type NotInstalledError struct {
	Program string // "ffmpeg" or "ffprobe"
	Err     error  // from exec.LookPath
}

func (e *NotInstalledError) Error() string {
	return fmt.Sprintf("%s not installed: %v (install ffmpeg, which provides ffmpeg and ffprobe: "+
		"Debian/Ubuntu `apt-get install ffmpeg`, macOS `brew install ffmpeg`)", e.Program, e.Err)
}

// Unwrap lets errors.Is match ErrNotInstalled and the exec error.
func (e *NotInstalledError) Unwrap() []error { return []error{ErrNotInstalled, e.Err} }

// Tools are the resolved paths of ffmpeg and ffprobe.
type Tools struct {
	FFmpeg  string
	FFprobe string
}

// Find looks both programs up on PATH. It does not cache: a test can
// change PATH and see the change.
func Find() (Tools, error) {
	var t Tools
	var errs []error
	for _, p := range []struct {
		name string
		dst  *string
	}{{"ffmpeg", &t.FFmpeg}, {"ffprobe", &t.FFprobe}} {
		path, err := exec.LookPath(p.name)
		if err != nil {
			errs = append(errs, &NotInstalledError{Program: p.name, Err: err})
			continue
		}
		*p.dst = path
	}
	if len(errs) == 1 {
		return t, errs[0]
	}
	return t, errors.Join(errs...)
}

// SafeInput returns a path to give ffmpeg or ffprobe for the file at
// path. ffmpeg reads a '%' in an image file name as a sequence pattern
// (name_%04d.jpg is frames 0000, 0001, ...), so a path with one is linked
// under a plain name in a new temporary directory; done removes it. Other
// paths come back absolute, so a ':' is never read as a protocol.
func SafeInput(path string) (safe string, done func(), err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", nil, err
	}
	if !strings.Contains(filepath.Base(abs), "%") {
		return abs, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "mie-ffmpeg-input-")
	if err != nil {
		return "", nil, err
	}
	link := filepath.Join(dir, "input"+strings.ReplaceAll(filepath.Ext(abs), "%", ""))
	if err := os.Symlink(abs, link); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return link, func() { os.RemoveAll(dir) }, nil
}
