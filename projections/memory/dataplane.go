package memory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/projections"
)

// DataplaneName is the data plane projection's stable name.
const DataplaneName = "memory-dataplane"

// DataplaneConfig configures the data plane projection.
type DataplaneConfig struct {
	Kafka   broker.Config
	Catalog topics.Catalog
	Logger  *slog.Logger
}

// Dataplane is the memory projection of the dataplane topic (the change
// stream): assets, their media and their operators' metadata pages.
type Dataplane struct {
	cfg DataplaneConfig
	log *slog.Logger

	mu     sync.RWMutex
	assets map[string]*assetState
	// sorted caches the asset ids in order; nil when stale.
	sorted []string
	*tracker
}

type assetState struct {
	asset view.Asset
	// pages of each operator's latest result, in page order.
	pages map[string][]view.MetadataPage
}

var _ projections.Assets = (*Dataplane)(nil)

// NewDataplane returns an empty projection; Run fills it.
func NewDataplane(cfg DataplaneConfig) (*Dataplane, error) {
	if err := cfg.Kafka.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		return nil, errors.New("memory dataplane projection: Logger is required")
	}
	return &Dataplane{
		cfg: cfg, log: cfg.Logger.With("projection", DataplaneName),
		assets: map[string]*assetState{}, tracker: newTracker(cfg.Catalog.Dataplane()),
	}, nil
}

// Run consumes the dataplane topic until ctx is cancelled.
func (d *Dataplane) Run(ctx context.Context) error {
	return d.tracker.run(ctx, d.cfg.Kafka, d.log, d.applyRecord)
}

func (d *Dataplane) applyRecord(r *kgo.Record) {
	env, p, err := events.DecodeRecord(r)
	if err == nil {
		d.mu.Lock()
		err = d.apply(env.Time, p)
		d.mu.Unlock()
	}
	if err != nil {
		d.log.Error("skipping dataplane event", "partition", r.Partition, "offset", r.Offset, "err", err)
	}
}

// apply folds one change into the projection (under d.mu).
func (d *Dataplane) apply(at time.Time, p events.Payload) error {
	switch e := p.(type) {
	case *events.AssetCreated:
		if _, ok := d.assets[e.AssetId]; ok {
			return fmt.Errorf("asset %s created twice", e.AssetId)
		}
		d.assets[e.AssetId] = &assetState{
			asset: view.Asset{AssetId: e.AssetId, MediaType: e.MediaType, S3Bucket: e.S3Bucket, S3Key: e.S3Key, Created: at},
			pages: map[string][]view.MetadataPage{},
		}
		d.sorted = nil
	case *events.MediaObjectAdded:
		a, err := d.asset(e.AssetId, p)
		if err != nil {
			return err
		}
		a.asset.Media = append(a.asset.Media, *e)
	case *events.MetadataStored:
		a, err := d.asset(e.AssetId, p)
		if err != nil {
			return err
		}
		pg := view.MetadataPage{AssetId: e.AssetId, OperatorName: e.OperatorName, WorkflowId: e.WorkflowId,
			Page: e.Page, Final: e.Final, Results: e.Results, Ref: e.Ref, Stored: at}
		pages := a.pages[e.OperatorName]
		switch {
		case e.Page == 0:
			// A new result replaces the operator's previous one.
			pages = []view.MetadataPage{pg}
		case e.Page == len(pages):
			pages = append(pages, pg)
		case e.Page < len(pages):
			pages[e.Page] = pg // a redelivered page
		default:
			return fmt.Errorf("asset %s operator %s: page %d stored after page %d", e.AssetId, e.OperatorName, e.Page, len(pages)-1)
		}
		a.pages[e.OperatorName] = pages
		a.asset.Operators = operators(a.pages)
	case *events.MetadataDeleted:
		a, err := d.asset(e.AssetId, p)
		if err != nil {
			return err
		}
		delete(a.pages, e.OperatorName)
		a.asset.Operators = operators(a.pages)
	case *events.AssetDeleted:
		delete(d.assets, e.AssetId)
		d.sorted = nil
	default:
		return fmt.Errorf("unexpected event %s on the dataplane topic", p.EventType())
	}
	return nil
}

func (d *Dataplane) asset(id string, p events.Payload) (*assetState, error) {
	a, ok := d.assets[id]
	if !ok {
		return nil, fmt.Errorf("%s for unknown asset %s", p.EventType(), id)
	}
	return a, nil
}

func operators(pages map[string][]view.MetadataPage) []string {
	ops := make([]string, 0, len(pages))
	for op := range pages {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

// WaitPosition implements projections.Assets: it returns once the record
// at offset, or a transaction marker past it, has been read.
func (d *Dataplane) WaitPosition(ctx context.Context, partition int32, offset int64) error {
	return d.tracker.wait(ctx, partition, offset)
}

// Asset implements projections.Assets.
func (d *Dataplane) Asset(_ context.Context, id string) (*view.Asset, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	a, ok := d.assets[id]
	if !ok {
		return nil, problem.NotFound("asset", id)
	}
	c := cloneAsset(a.asset)
	return &c, nil
}

func cloneAsset(a view.Asset) view.Asset {
	a.Media = slices.Clone(a.Media)
	a.Operators = slices.Clone(a.Operators)
	return a
}

// Assets implements projections.Assets.
func (d *Dataplane) Assets(_ context.Context, c view.Cursor) ([]view.Asset, string, error) {
	d.mu.Lock()
	if d.sorted == nil {
		d.sorted = make([]string, 0, len(d.assets))
		for id := range d.assets {
			d.sorted = append(d.sorted, id)
		}
		sort.Strings(d.sorted)
	}
	ids := d.sorted
	i, _ := slices.BinarySearch(ids, c.After)
	if i < len(ids) && ids[i] == c.After {
		i++
	}
	var out []view.Asset
	for ; i < len(ids) && (c.Limit <= 0 || len(out) < c.Limit); i++ {
		out = append(out, cloneAsset(d.assets[ids[i]].asset))
	}
	more := i < len(ids)
	d.mu.Unlock()
	if more && len(out) > 0 {
		return out, out[len(out)-1].AssetId, nil
	}
	return out, "", nil
}

// Metadata implements projections.Assets.
func (d *Dataplane) Metadata(_ context.Context, assetId string, c view.Cursor) ([]view.MetadataPage, string, error) {
	afterOp, afterPage, err := view.ParseMetadataKey(c.After)
	if err != nil {
		return nil, "", err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	a, ok := d.assets[assetId]
	if !ok {
		return nil, "", problem.NotFound("asset", assetId)
	}
	var out []view.MetadataPage
	more := false
	for _, op := range a.asset.Operators {
		if op < afterOp {
			continue
		}
		for _, pg := range a.pages[op] {
			if op == afterOp && pg.Page <= afterPage {
				continue
			}
			if c.Limit > 0 && len(out) == c.Limit {
				more = true
				break
			}
			out = append(out, pg)
		}
		if more {
			break
		}
	}
	if more {
		last := out[len(out)-1]
		return out, view.MetadataKey(last.OperatorName, last.Page), nil
	}
	return out, "", nil
}

// OperatorMetadata implements projections.Assets.
func (d *Dataplane) OperatorMetadata(_ context.Context, assetId, operator string) ([]view.MetadataPage, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	a, ok := d.assets[assetId]
	if !ok {
		return nil, problem.NotFound("asset", assetId)
	}
	pages, ok := a.pages[operator]
	if !ok {
		return nil, problem.NotFound("metadata of operator", operator)
	}
	return slices.Clone(pages), nil
}
