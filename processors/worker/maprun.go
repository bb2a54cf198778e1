package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

// MapRun is the map run worker (events.MapRunImplementation): the I/O of
// a distributed Map, which its map run (internal/engine) sends as tasks.
// A task of an ItemReader (arn:aws:states:::s3:getObject or
// listObjectsV2) reads the next page of items from Store, from the
// cursor of the page before; a task of a ResultWriter
// (arn:aws:states:::s3:putObject) writes a part of a results file or the
// manifest. Its answers are events.MapRunPage and events.MapRunWritten;
// a failure is States.ItemReaderFailed or States.ResultWriterFailed with
// a cause that names the bucket, the key and, for a malformed file, the
// line.
//
// Each read opens the object at the page's offset: with a store that
// serves ranges (GetRange) it reads only from there, otherwise it skips
// to it.
type MapRun struct {
	Store objectstore.Store
}

// The resources of a map run's tasks.
const (
	resourceGetObject = "arn:aws:states:::s3:getObject"
	resourceList      = "arn:aws:states:::s3:listObjectsV2"
	resourcePut       = "arn:aws:states:::s3:putObject"
)

// Start implements Handler.
func (h MapRun) Start(ctx context.Context, t *Task) (Result, error) { return h.Invoke(ctx, t) }

// Invoke implements Function.
func (h MapRun) Invoke(ctx context.Context, t *Task) (Result, error) {
	if h.Store == nil {
		return Failed(failure.Runtime, "the map run worker has no object store"), nil
	}
	switch t.Resource {
	case resourceGetObject, resourceList:
		var rd events.MapRunRead
		if err := json.Unmarshal(t.Payload, &rd); err != nil {
			return Failed(failure.ItemReaderFailed, "the read task cannot be read: "+err.Error()), nil
		}
		page, err := ReadItems(ctx, h.Store, rd)
		if err != nil {
			return Failed(failure.ItemReaderFailed, err.Error()), nil
		}
		return Returned(page), nil
	case resourcePut:
		var w events.MapRunWrite
		if err := json.Unmarshal(t.Payload, &w); err != nil {
			return Failed(failure.ResultWriterFailed, "the write task cannot be read: "+err.Error()), nil
		}
		out, err := WriteResults(ctx, h.Store, w)
		if err != nil {
			return Failed(failure.ResultWriterFailed, err.Error()), nil
		}
		return Returned(out), nil
	}
	return Failed(failure.Runtime, fmt.Sprintf("the map run worker has no task for resource %q", t.Resource)), nil
}

// WriteResults writes a results file's part or a manifest: Body as is,
// or, with Lines, one element of the array Body a line (JSON Lines).
func WriteResults(ctx context.Context, store objectstore.Store, w events.MapRunWrite) (events.MapRunWritten, error) {
	body, contentType := []byte(w.Body), "application/json"
	if w.Lines {
		var elems []json.RawMessage
		if err := json.Unmarshal(w.Body, &elems); err != nil {
			return events.MapRunWritten{}, fmt.Errorf("bucket %s, key %s: the results are not an array: %w", w.Bucket, w.Key, err)
		}
		var b bytes.Buffer
		for _, e := range elems {
			b.Write(e)
			b.WriteByte('\n')
		}
		body, contentType = b.Bytes(), "application/jsonl"
	}
	if _, err := store.Put(ctx, w.Bucket, w.Key, bytes.NewReader(body), int64(len(body)), contentType); err != nil {
		return events.MapRunWritten{}, fmt.Errorf("bucket %s, key %s: %w", w.Bucket, w.Key, err)
	}
	return events.MapRunWritten{Key: w.Key, Size: int64(len(body))}, nil
}

// readError is a reader's failure, naming where.
type readError struct {
	bucket, key string
	line        int
	err         error
}

func (e *readError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bucket %s, key %s", e.bucket, e.key)
	if e.line > 0 {
		fmt.Fprintf(&b, ", line %d", e.line)
	}
	return b.String() + ": " + e.err.Error()
}

func (e *readError) Unwrap() error { return e.err }

// rangeGetter is a store that reads from an offset (both backends of the
// object store; any other is read from the start, skipping to the offset).
type rangeGetter interface {
	GetRange(ctx context.Context, bucket, key string, off, n int64) (io.ReadCloser, objectstore.Info, error)
}

// openAt opens bucket/key at byte offset off.
func openAt(ctx context.Context, store objectstore.Store, bucket, key string, off int64) (io.ReadCloser, error) {
	if rg, ok := store.(rangeGetter); ok && off > 0 {
		rc, _, err := rg.GetRange(ctx, bucket, key, off, -1)
		if errors.Is(err, problem.ErrInvalid) {
			// S3 refuses a range that starts at the end (416): an offset
			// at the end reads nothing.
			if info, serr := store.Stat(ctx, bucket, key); serr == nil && info.Size == off {
				return io.NopCloser(strings.NewReader("")), nil
			}
		}
		return rc, err
	}
	rc, _, err := store.Get(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	if off > 0 {
		if _, err := io.CopyN(io.Discard, rc, off); err != nil {
			rc.Close()
			if errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("the object is shorter than the reader's offset %d: it changed while it was read", off)
			}
			return nil, err
		}
	}
	return rc, nil
}
