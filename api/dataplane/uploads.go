package dataplane

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

func problemNotFound(err error) bool { return errors.Is(err, problem.ErrNotFound) }

// Upload is what an upload produced: the stored object and the
// executions its triggers started.
type Upload struct {
	S3Bucket   string      `json:"s3_bucket"`
	S3Key      string      `json:"s3_key"`
	Size       int64       `json:"size"`
	Executions []Triggered `json:"executions"`
}

// Triggered is one object-created trigger that fired.
type Triggered struct {
	Trigger      string `json:"trigger"`
	Workflow     string `json:"workflow,omitempty"`
	StateMachine string `json:"state_machine,omitempty"`
	ExecutionId  string `json:"execution_id,omitempty"`
	// Existing: the object had started this execution before (the same
	// bytes uploaded again start nothing new).
	Existing bool `json:"existing,omitempty"`
	// Error says why the trigger could not start its workflow; the upload
	// itself stands.
	Error string `json:"error,omitempty"`
}

// Presigned is a URL a client uses to move bytes directly (S3).
type Presigned struct {
	URL       string    `json:"url"`
	Method    string    `json:"method"`
	S3Bucket  string    `json:"s3_bucket"`
	S3Key     string    `json:"s3_key"`
	ExpiresAt time.Time `json:"expires_at"`
}

// limited fails the read that goes past the limit, so that an oversized
// upload is never stored whole.
type limited struct {
	r     io.Reader
	left  int64
	limit int64
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, tooLarge(l.limit)
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, tooLarge(l.limit)
	}
	return n, err
}

func tooLarge(limit int64) error {
	return fmt.Errorf("%w: upload is over the %d-byte limit (--upload-limit)", problem.ErrTooLarge, limit)
}

// UploadObject streams an object into the data plane bucket at key (never
// holding it in memory), then fires the upload triggers that match. size
// is the declared length, or -1 when unknown.
func (s *Service) UploadObject(ctx context.Context, key string, r io.Reader, size int64, contentType string) (*Upload, error) {
	if err := objectstore.ValidateKey(key); err != nil {
		return nil, err
	}
	if size > s.cfg.UploadLimit {
		return nil, tooLarge(s.cfg.UploadLimit)
	}
	info, err := s.cfg.Store.Put(ctx, s.cfg.Bucket, key, &limited{r: r, left: s.cfg.UploadLimit, limit: s.cfg.UploadLimit}, size, contentType)
	if err != nil {
		if errors.Is(err, problem.ErrTooLarge) {
			return nil, tooLarge(s.cfg.UploadLimit)
		}
		return nil, fmt.Errorf("upload %s: %w", key, err)
	}
	s.log.Info("object uploaded", "bucket", s.cfg.Bucket, "key", key, "bytes", info.Size)
	fired, err := s.fire(ctx, info, "ObjectCreated:Put")
	if err != nil {
		return nil, err
	}
	return &Upload{S3Bucket: s.cfg.Bucket, S3Key: key, Size: info.Size, Executions: fired}, nil
}

// PresignUpload hands out a URL to PUT an object directly into the data
// plane bucket (S3 only); CompleteUpload then fires the triggers.
func (s *Service) PresignUpload(ctx context.Context, key string) (*Presigned, error) {
	return s.presign(ctx, key, "PUT")
}

// PresignDownload hands out a URL to GET an object directly (S3 only).
func (s *Service) PresignDownload(ctx context.Context, bucket, key string) (*Presigned, error) {
	if err := objectstore.ValidateBucket(bucket); err != nil {
		return nil, err
	}
	if _, err := s.cfg.Store.Stat(ctx, bucket, key); err != nil {
		return nil, err
	}
	p, err := s.presignIn(ctx, bucket, key, "GET")
	return p, err
}

func (s *Service) presign(ctx context.Context, key, method string) (*Presigned, error) {
	return s.presignIn(ctx, s.cfg.Bucket, key, method)
}

func (s *Service) presignIn(ctx context.Context, bucket, key, method string) (*Presigned, error) {
	if err := objectstore.ValidateKey(key); err != nil {
		return nil, err
	}
	ps, ok := s.cfg.Store.(objectstore.Presigner)
	if !ok {
		return nil, problem.Invalid("body", "this installation stores objects locally and hands out no presigned URLs: send the bytes themselves")
	}
	var url string
	var err error
	if method == "PUT" {
		url, err = ps.PresignPut(ctx, bucket, key, s.cfg.PresignTTL)
	} else {
		url, err = ps.PresignGet(ctx, bucket, key, s.cfg.PresignTTL)
	}
	if err != nil {
		return nil, fmt.Errorf("presign %s %s: %w", method, key, err)
	}
	return &Presigned{URL: url, Method: method, S3Bucket: bucket, S3Key: key, ExpiresAt: time.Now().Add(s.cfg.PresignTTL).UTC()}, nil
}

// CompleteUpload fires the triggers of an object a client PUT through a
// presigned URL; the object must exist.
func (s *Service) CompleteUpload(ctx context.Context, key string) (*Upload, error) {
	if err := objectstore.ValidateKey(key); err != nil {
		return nil, err
	}
	info, err := s.cfg.Store.Stat(ctx, s.cfg.Bucket, key)
	if err != nil {
		return nil, err
	}
	fired, err := s.fire(ctx, info, "ObjectCreated:Put")
	if err != nil {
		return nil, err
	}
	return &Upload{S3Bucket: s.cfg.Bucket, S3Key: key, Size: info.Size, Executions: fired}, nil
}

// Download opens an object for the caller to stream.
func (s *Service) Download(ctx context.Context, bucket, key string) (io.ReadCloser, objectstore.Info, error) {
	if err := objectstore.ValidateBucket(bucket); err != nil {
		return nil, objectstore.Info{}, err
	}
	if err := objectstore.ValidateKey(key); err != nil {
		return nil, objectstore.Info{}, err
	}
	return s.cfg.Store.Get(ctx, bucket, key)
}

// Presigns reports whether the store hands out presigned URLs.
func (s *Service) Presigns() bool {
	_, ok := s.cfg.Store.(objectstore.Presigner)
	return ok
}

// fire reports an uploaded object: the triggers matching it start their
// executions. A trigger that cannot start is listed with its error; an
// event that cannot be recorded fails the upload's answer (503), so that
// the client retries.
func (s *Service) fire(ctx context.Context, info objectstore.Info, event string) ([]Triggered, error) {
	out := []Triggered{}
	if s.cfg.Objects == nil {
		return out, nil
	}
	now := time.Now().UTC()
	fired, err := s.cfg.Objects.ObjectCreated(ctx, &events.ObjectCreated{Bucket: info.Bucket, Key: info.Key, Size: info.Size,
		ETag: strings.Trim(info.ETag, `"`), VersionId: info.VersionId, ContentType: info.ContentType, Event: event,
		Source: events.ObjectSourceUpload, Sequencer: fmt.Sprintf("%016X", now.UnixNano()), Time: now})
	if err != nil {
		return nil, fmt.Errorf("upload %s: the object is stored: %w", info.Key, err)
	}
	for _, f := range fired {
		out = append(out, Triggered{Trigger: f.Rule, Workflow: f.Workflow, StateMachine: f.StateMachine,
			ExecutionId: f.ExecutionId, Existing: f.Existing, Error: f.Error})
	}
	return out, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
