// Package dataplane is MIE's data plane: assets, their media objects and
// their operators' metadata. Every change is an event on the dataplane topic
// (the change stream, keyed by asset id); reads come from a projection;
// media and oversized results live in object storage.
package dataplane

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/api/triggers"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/projections"
)

// Producer names the data plane in the envelopes it writes.
const Producer = "mie-dataplane"

// Defaults applied by New.
const (
	DefaultBucket         = "mie-dataplane"
	DefaultUploadLimit    = 5 << 30 // 5 GiB
	DefaultPresignTTL     = 15 * time.Minute
	DefaultVisibleTimeout = 30 * time.Second
)

// Claims moves payloads too large for a record to object storage and
// back (internal/claimcheck).
type Claims interface {
	Offload(ctx context.Context, key string, payload []byte) (json.RawMessage, *events.ObjectRef, error)
	Resolve(ctx context.Context, inline json.RawMessage, ref *events.ObjectRef) ([]byte, error)
}

// Objects is told of every object an upload creates (internal/triggers
// Notifier): it records the event and starts the object-created triggers
// that match, reporting what they started.
type Objects interface {
	ObjectCreated(ctx context.Context, ev *events.ObjectCreated) ([]triggers.Fired, error)
}

// Config wires the service.
type Config struct {
	Client  *kgo.Client
	Catalog topics.Catalog
	Store   objectstore.Store
	// Bucket is the data plane bucket: uploads, asset inputs, derived
	// media and claim-checked results. Default DefaultBucket.
	Bucket string
	Assets projections.Assets
	Claims Claims
	// Active, when set, reports an asset's running execution: an asset
	// with one cannot be deleted under it.
	Active func(ctx context.Context, assetID string) (string, bool, error)
	// Objects, when set, fires the object-created triggers of uploads.
	Objects Objects
	// UploadLimit bounds one upload in bytes; default DefaultUploadLimit.
	UploadLimit int64
	// PresignTTL is how long presigned URLs stay valid (S3 only).
	PresignTTL time.Duration
	// VisibleTimeout bounds how long a write waits to be readable.
	VisibleTimeout time.Duration
	Logger         *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Bucket == "" {
		c.Bucket = DefaultBucket
	}
	if c.UploadLimit == 0 {
		c.UploadLimit = DefaultUploadLimit
	}
	if c.PresignTTL == 0 {
		c.PresignTTL = DefaultPresignTTL
	}
	if c.VisibleTimeout == 0 {
		c.VisibleTimeout = DefaultVisibleTimeout
	}
	return c
}

// Validate joins every problem.
func (c Config) Validate() error {
	var errs []error
	for name, missing := range map[string]bool{
		"Client": c.Client == nil, "Store": c.Store == nil, "Assets": c.Assets == nil,
		"Claims": c.Claims == nil, "Logger": c.Logger == nil,
	} {
		if missing {
			errs = append(errs, fmt.Errorf("dataplane: %s is required", name))
		}
	}
	if c.UploadLimit < 0 {
		errs = append(errs, fmt.Errorf("dataplane: UploadLimit %d is negative", c.UploadLimit))
	}
	if err := objectstore.ValidateBucket(c.Bucket); c.Bucket != "" && err != nil {
		errs = append(errs, fmt.Errorf("dataplane: Bucket: %w", err))
	}
	return errors.Join(errs...)
}

// Service serves the data plane.
type Service struct {
	cfg Config
	log *slog.Logger
	// stripes serialize writes per asset (page numbering, deletion).
	stripes [256]sync.Mutex
}

// New validates cfg and applies defaults.
func New(cfg Config) (*Service, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Service{cfg: cfg, log: cfg.Logger.With("component", "dataplane")}, nil
}

// Bucket is the data plane bucket.
func (s *Service) Bucket() string { return s.cfg.Bucket }

// UploadLimit is the largest upload accepted, in bytes.
func (s *Service) UploadLimit() int64 { return s.cfg.UploadLimit }

func (s *Service) lock(assetID string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(assetID))
	return &s.stripes[h.Sum32()%uint32(len(s.stripes))]
}

// emit writes changes of one asset and waits until the projection shows
// the last, so that a read right after sees them.
func (s *Service) emit(ctx context.Context, assetID string, ps ...events.Payload) error {
	recs := make([]*kgo.Record, 0, len(ps))
	for _, p := range ps {
		env, err := events.New(assetID, Producer, p)
		if err != nil {
			return err
		}
		rec, err := env.Record(s.cfg.Catalog.Dataplane())
		if err != nil {
			return err
		}
		recs = append(recs, rec)
	}
	if err := s.cfg.Client.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return fmt.Errorf("%w: write data plane change: %v", problem.ErrUnavailable, err)
	}
	last := recs[len(recs)-1]
	wctx, cancel := context.WithTimeout(ctx, s.cfg.VisibleTimeout)
	defer cancel()
	if err := s.cfg.Assets.WaitPosition(wctx, last.Partition, last.Offset); err != nil {
		return fmt.Errorf("%w: change written but not yet readable: %v", problem.ErrUnavailable, err)
	}
	return nil
}

// baseName is the last element of a key.
func baseName(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[i+1:]
	}
	return key
}
