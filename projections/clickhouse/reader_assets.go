package clickhouse

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	chconn "github.com/mie-kafka/mie/internal/clickhouse"
	"github.com/mie-kafka/mie/internal/problem"
)

// assetRow is an asset and the offset of its creation: media and metadata
// older than it belong to an earlier asset of the same id.
type assetRow struct {
	view.Asset
	offset int64
}

func (r *Reader) assetRows(ctx context.Context, tail string, args ...any) ([]assetRow, error) {
	var out []assetRow
	err := r.query(ctx, "assets", "SELECT asset_id, media_type, s3_bucket, s3_key, created, offset FROM assets FINAL WHERE NOT deleted "+tail,
		args, func(s chconn.Scanner) error {
			var a assetRow
			if err := s.Scan(&a.AssetId, &a.MediaType, &a.S3Bucket, &a.S3Key, &a.Created, &a.offset); err != nil {
				return err
			}
			a.Created = a.Created.UTC()
			out = append(out, a)
			return nil
		})
	return out, err
}

// Asset implements projections.Assets.
func (r *Reader) Asset(ctx context.Context, id string) (*view.Asset, error) {
	as, err := r.assetRows(ctx, "AND asset_id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, problem.NotFound("asset", id)
	}
	if err := r.fill(ctx, as); err != nil {
		return nil, err
	}
	return &as[0].Asset, nil
}

// Assets implements projections.Assets.
func (r *Reader) Assets(ctx context.Context, c view.Cursor) ([]view.Asset, string, error) {
	tail, args := "AND asset_id > ? ORDER BY asset_id", []any{c.After}
	if c.Limit > 0 {
		tail, args = tail+" LIMIT ?", append(args, c.Limit+1)
	}
	as, err := r.assetRows(ctx, tail, args...)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if c.Limit > 0 && len(as) > c.Limit {
		as = as[:c.Limit]
		next = as[len(as)-1].AssetId
	}
	if err := r.fill(ctx, as); err != nil {
		return nil, "", err
	}
	out := make([]view.Asset, len(as))
	for i := range as {
		out[i] = as[i].Asset
	}
	return out, next, nil
}

// fill sets the media and operators of assets.
func (r *Reader) fill(ctx context.Context, as []assetRow) error {
	if len(as) == 0 {
		return nil
	}
	byID := map[string]*assetRow{}
	ids := make([]any, len(as))
	for i := range as {
		byID[as[i].AssetId], ids[i] = &as[i], as[i].AssetId
	}
	set := ch.GroupSet{Value: ids}
	err := r.query(ctx, "asset media", "SELECT asset_id, offset, media_type, s3_bucket, s3_key, operator, workflow_execution_id "+
		"FROM asset_media FINAL WHERE asset_id IN ? ORDER BY asset_id, offset", []any{set}, func(s chconn.Scanner) error {
		var m events.MediaObjectAdded
		var off int64
		if err := s.Scan(&m.AssetId, &off, &m.MediaType, &m.S3Bucket, &m.S3Key, &m.OperatorName, &m.WorkflowExecutionId); err != nil {
			return err
		}
		if a := byID[m.AssetId]; off > a.offset {
			a.Media = append(a.Media, m)
		}
		return nil
	})
	if err != nil {
		return err
	}
	keys, err := r.pageKeys(ctx, set)
	if err != nil {
		return err
	}
	for _, a := range as {
		byID[a.AssetId].Operators = operatorsOf(visible(keys[a.AssetId], a.offset))
	}
	return nil
}

// pageKey locates one asset_metadata row.
type pageKey struct {
	operator string
	page     int32
	offset   int64
}

func (r *Reader) pageKeys(ctx context.Context, assets ch.GroupSet) (map[string][]pageKey, error) {
	out := map[string][]pageKey{}
	err := r.query(ctx, "asset metadata", "SELECT asset_id, operator, page, offset FROM asset_metadata FINAL WHERE asset_id IN ?",
		[]any{assets}, func(s chconn.Scanner) error {
			var id string
			var k pageKey
			if err := s.Scan(&id, &k.operator, &k.page, &k.offset); err != nil {
				return err
			}
			out[id] = append(out[id], k)
			return nil
		})
	return out, err
}

// visible returns the pages an asset shows, by operator then page: those
// of each operator's latest result (from its latest page 0 on), unless a
// tombstone (page -1) or the asset's re-creation came after.
func visible(keys []pageKey, created int64) []pageKey {
	type bounds struct{ result, tomb int64 }
	by := map[string]*bounds{}
	for _, k := range keys {
		b := by[k.operator]
		if b == nil {
			b = &bounds{result: -1, tomb: -1}
			by[k.operator] = b
		}
		switch {
		case k.page < 0:
			b.tomb = max(b.tomb, k.offset)
		case k.page == 0:
			b.result = max(b.result, k.offset)
		}
	}
	var out []pageKey
	for _, k := range keys {
		b := by[k.operator]
		if k.page >= 0 && b.result >= 0 && k.offset >= b.result && b.result > b.tomb && k.offset > created {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].operator != out[j].operator {
			return out[i].operator < out[j].operator
		}
		return out[i].page < out[j].page
	})
	return out
}

func operatorsOf(keys []pageKey) []string {
	var ops []string
	for _, k := range keys {
		if len(ops) == 0 || ops[len(ops)-1] != k.operator {
			ops = append(ops, k.operator)
		}
	}
	return ops
}

// Metadata implements projections.Assets.
func (r *Reader) Metadata(ctx context.Context, assetId string, c view.Cursor) ([]view.MetadataPage, string, error) {
	afterOp, afterPage, err := view.ParseMetadataKey(c.After)
	if err != nil {
		return nil, "", err
	}
	keys, err := r.assetPages(ctx, assetId)
	if err != nil {
		return nil, "", err
	}
	var pick []pageKey
	more := false
	for _, k := range keys {
		if k.operator < afterOp || (k.operator == afterOp && int(k.page) <= afterPage) {
			continue
		}
		if c.Limit > 0 && len(pick) == c.Limit {
			more = true
			break
		}
		pick = append(pick, k)
	}
	pages, err := r.pages(ctx, assetId, pick)
	if err != nil {
		return nil, "", err
	}
	if more {
		last := pages[len(pages)-1]
		return pages, view.MetadataKey(last.OperatorName, last.Page), nil
	}
	return pages, "", nil
}

// OperatorMetadata implements projections.Assets.
func (r *Reader) OperatorMetadata(ctx context.Context, assetId, operator string) ([]view.MetadataPage, error) {
	keys, err := r.assetPages(ctx, assetId)
	if err != nil {
		return nil, err
	}
	var pick []pageKey
	for _, k := range keys {
		if k.operator == operator {
			pick = append(pick, k)
		}
	}
	if len(pick) == 0 {
		return nil, problem.NotFound("metadata of operator", operator)
	}
	return r.pages(ctx, assetId, pick)
}

// assetPages returns the visible page keys of an existing asset.
func (r *Reader) assetPages(ctx context.Context, assetId string) ([]pageKey, error) {
	as, err := r.assetRows(ctx, "AND asset_id = ?", assetId)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, problem.NotFound("asset", assetId)
	}
	keys, err := r.pageKeys(ctx, ch.GroupSet{Value: []any{assetId}})
	if err != nil {
		return nil, err
	}
	return visible(keys[assetId], as[0].offset), nil
}

// pages reads the rows of keys (one asset's), in the keys' order.
func (r *Reader) pages(ctx context.Context, assetId string, keys []pageKey) ([]view.MetadataPage, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	var ops []any
	want := map[string]bool{}
	for _, k := range keys {
		if len(ops) == 0 || ops[len(ops)-1] != k.operator {
			ops = append(ops, k.operator)
		}
		want[view.MetadataKey(k.operator, int(k.page))] = true
	}
	got := map[string]view.MetadataPage{}
	err := r.query(ctx, "asset metadata", "SELECT operator, page, workflow_id, final, results, ref_bucket, ref_key, ref_size, ref_sha256, stored "+
		"FROM asset_metadata FINAL WHERE asset_id = ? AND operator IN ? AND page >= 0", []any{assetId, ch.GroupSet{Value: ops}},
		func(s chconn.Scanner) error {
			p := view.MetadataPage{AssetId: assetId}
			var page int32
			var results string
			var ref events.ObjectRef
			var stored time.Time
			if err := s.Scan(&p.OperatorName, &page, &p.WorkflowId, &p.Final, &results, &ref.S3Bucket, &ref.S3Key, &ref.Size,
				&ref.SHA256, &stored); err != nil {
				return err
			}
			p.Page, p.Stored = int(page), stored.UTC()
			if ref.S3Key != "" {
				p.Ref = &ref
			} else {
				p.Results = []byte(results)
			}
			if k := view.MetadataKey(p.OperatorName, p.Page); want[k] {
				got[k] = p
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	out := make([]view.MetadataPage, 0, len(keys))
	for _, k := range keys {
		p, ok := got[view.MetadataKey(k.operator, int(k.page))]
		if !ok {
			return nil, fmt.Errorf("read asset metadata: page %s of %s vanished", view.MetadataKey(k.operator, int(k.page)), assetId)
		}
		out = append(out, p)
	}
	return out, nil
}

// WaitPosition implements projections.Assets: it waits until the live
// dataplane projector has committed past (partition, offset), which it does
// only once the rows are written. It needs Kafka (Reader.Kafka).
func (r *Reader) WaitPosition(ctx context.Context, partition int32, offset int64) error {
	if r.Kafka == nil {
		return fmt.Errorf("%w: the ClickHouse reader has no Kafka client to follow the projector", problem.ErrUnavailable)
	}
	what := fmt.Sprintf("dataplane %d@%d to be projected", partition, offset)
	return r.poll(ctx, what, func() (bool, error) {
		gen, err := chconn.LiveGeneration(ctx, r.conn, chconn.ProjectionDataplane)
		if err != nil {
			return false, err
		}
		at, err := broker.Committed(ctx, r.Kafka, r.Catalog.ProjectionGroup(chconn.ProjectionDataplane, gen), r.Catalog.Dataplane())
		if err != nil {
			return false, problem.Transient(err)
		}
		return at[partition] > offset, nil
	})
}
