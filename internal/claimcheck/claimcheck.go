// Package claimcheck keeps large payloads out of Kafka records: a payload
// over a threshold is stored as an object and the record carries an
// events.ObjectRef (bucket, key, size, SHA-256) instead. Resolve gives
// readers the same bytes either way, and refuses a stored object whose size
// or hash does not match its reference.
package claimcheck

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

// DefaultThreshold keeps a record with its envelope well under Kafka's
// default 1 MiB message size.
const DefaultThreshold = 512 << 10

// ContentType of offloaded payloads.
const ContentType = "application/json"

// Config configures a Checker.
type Config struct {
	// Bucket holds offloaded payloads.
	Bucket string
	// Threshold: payloads longer than this many bytes are offloaded.
	// 0 means DefaultThreshold.
	Threshold int
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if err := objectstore.ValidateBucket(c.Bucket); err != nil {
		errs = append(errs, fmt.Errorf("claim check: %w", err))
	}
	if c.Threshold < 0 {
		errs = append(errs, errors.New("claim check: threshold must not be negative"))
	}
	return errors.Join(errs...)
}

// Checker offloads and resolves payloads.
type Checker struct {
	store     objectstore.Store
	bucket    string
	threshold int
}

// New returns a Checker storing into store.
func New(store objectstore.Store, cfg Config) (*Checker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if store == nil {
		return nil, errors.New("claim check: no object store")
	}
	if cfg.Threshold == 0 {
		cfg.Threshold = DefaultThreshold
	}
	return &Checker{store: store, bucket: cfg.Bucket, threshold: cfg.Threshold}, nil
}

// Threshold returns the size above which payloads are offloaded.
func (c *Checker) Threshold() int { return c.threshold }

// Offload returns payload inline when it is at most the threshold long.
// Otherwise it stores payload at key in the checker's bucket and returns a
// reference; exactly one of inline and ref is set. The caller picks a key
// unique to the payload (for example asset/operator/page), as a second
// Offload to the same key replaces the object.
func (c *Checker) Offload(ctx context.Context, key string, payload []byte) (json.RawMessage, *events.ObjectRef, error) {
	if len(payload) <= c.threshold {
		return json.RawMessage(payload), nil, nil
	}
	sum := sha256.Sum256(payload)
	info, err := c.store.Put(ctx, c.bucket, key, bytes.NewReader(payload), int64(len(payload)), ContentType)
	if err != nil {
		return nil, nil, fmt.Errorf("claim check: offload %d bytes: %w", len(payload), err)
	}
	return nil, &events.ObjectRef{
		S3Bucket: info.Bucket,
		S3Key:    info.Key,
		Size:     int64(len(payload)),
		SHA256:   hex.EncodeToString(sum[:]),
	}, nil
}

// ErrCorrupt: a stored payload does not match its reference.
var ErrCorrupt = errors.New("claim check: stored payload does not match its reference")

// MismatchError says how a stored payload differs from its reference. It
// wraps ErrCorrupt.
type MismatchError struct {
	Ref     events.ObjectRef
	Size    int64
	SHA256  string
	TooLong bool
}

func (e *MismatchError) Error() string {
	got := fmt.Sprintf("%d bytes", e.Size)
	if e.TooLong {
		got = fmt.Sprintf("more than %d bytes", e.Ref.Size)
	} else if e.Size == e.Ref.Size {
		got = "SHA-256 " + e.SHA256
	}
	want := fmt.Sprintf("%d bytes", e.Ref.Size)
	if e.Size == e.Ref.Size && !e.TooLong {
		want = "SHA-256 " + e.Ref.SHA256
	}
	return fmt.Sprintf("%v: %s/%s has %s, want %s", ErrCorrupt, e.Ref.S3Bucket, e.Ref.S3Key, got, want)
}

func (e *MismatchError) Unwrap() error { return ErrCorrupt }

// Resolve returns the payload: inline as is, or the referenced object after
// checking its size and SHA-256. Exactly one of inline and ref must be set.
// A missing object wraps problem.ErrNotFound; a mismatch is a
// *MismatchError (ErrCorrupt).
func (c *Checker) Resolve(ctx context.Context, inline json.RawMessage, ref *events.ObjectRef) ([]byte, error) {
	return Resolve(ctx, c.store, inline, ref)
}

// Resolve is Checker.Resolve for readers that only have a store.
func Resolve(ctx context.Context, store objectstore.Store, inline json.RawMessage, ref *events.ObjectRef) ([]byte, error) {
	switch {
	case ref == nil && len(inline) == 0:
		return nil, fmt.Errorf("%w: claim check: neither an inline payload nor a reference", problem.ErrInvalid)
	case ref == nil:
		return inline, nil
	case len(inline) != 0:
		return nil, fmt.Errorf("%w: claim check: both an inline payload and a reference to %s/%s", problem.ErrInvalid, ref.S3Bucket, ref.S3Key)
	case ref.Size < 0:
		return nil, fmt.Errorf("%w: claim check: reference to %s/%s has a negative size", problem.ErrInvalid, ref.S3Bucket, ref.S3Key)
	}
	rc, _, err := store.Get(ctx, ref.S3Bucket, ref.S3Key)
	if err != nil {
		return nil, fmt.Errorf("claim check: resolve: %w", err)
	}
	defer rc.Close()
	// Read at most one byte more than promised, so an overlong object is
	// caught without reading all of it.
	h := sha256.New()
	var buf bytes.Buffer
	buf.Grow(int(min(ref.Size, 64<<20)))
	n, err := io.Copy(io.MultiWriter(&buf, h), io.LimitReader(rc, ref.Size+1))
	if err != nil {
		return nil, fmt.Errorf("claim check: read %s/%s: %w", ref.S3Bucket, ref.S3Key, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if n != ref.Size || sum != ref.SHA256 {
		return nil, &MismatchError{Ref: *ref, Size: n, SHA256: sum, TooLong: n > ref.Size}
	}
	return buf.Bytes(), nil
}
