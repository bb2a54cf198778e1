package projector

import (
	chconn "github.com/mie-kafka/mie/internal/clickhouse"

	"context"
	"errors"
	"fmt"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/topics"
)

// Dataplane is the projection of the dataplane topic (the change stream)
// into assets, asset_media and asset_metadata. Each event becomes rows on
// its own: deletions are rows too (assets.deleted, a page -1 tombstone), and
// reads hide what an asset's re-creation, a new result (page 0) or a
// tombstone superseded, by comparing offsets, which order each asset's
// changes because the topic is keyed by asset id.
var Dataplane = Definition{
	Name:   chconn.ProjectionDataplane,
	Topic:  topics.Catalog.Dataplane,
	Tables: []string{"assets", "asset_media", "asset_metadata"},
	New:    func() Folder { return dataplaneFolder{} },
}

type dataplaneFolder struct{}

func (dataplaneFolder) Load(context.Context, StateSource, []Record) error { return nil }
func (dataplaneFolder) Reset()                                            {}

var errMissingField = errors.New("missing required field")

func (dataplaneFolder) Fold(recs []Record, gen uint32, out *chconn.Rows) []Bad {
	var bad []Bad
	assetIdx := map[string]int{}
	metaIdx := map[string]int{}
	for _, r := range recs {
		at, ver := r.Env.Time, chconn.Version(gen, r.Offset)
		var err error
		switch e := r.Payload.(type) {
		case *events.AssetCreated:
			if err = need(e.AssetId, r.Env.Key); err == nil {
				putAsset(out, assetIdx, chconn.AssetRow{AssetId: e.AssetId, MediaType: e.MediaType, S3Bucket: e.S3Bucket, S3Key: e.S3Key,
					Created: at, Partition: r.Partition, Offset: r.Offset, Version: ver})
			}
		case *events.AssetDeleted:
			if err = need(e.AssetId, r.Env.Key); err == nil {
				putAsset(out, assetIdx, chconn.AssetRow{AssetId: e.AssetId, Created: at, Deleted: true,
					Partition: r.Partition, Offset: r.Offset, Version: ver})
			}
		case *events.MediaObjectAdded:
			if err = need(e.AssetId, r.Env.Key); err == nil {
				out.Media = append(out.Media, chconn.MediaRow{AssetId: e.AssetId, Offset: r.Offset, Partition: r.Partition,
					MediaType: e.MediaType, S3Bucket: e.S3Bucket, S3Key: e.S3Key, Operator: e.OperatorName,
					WorkflowExecutionId: e.WorkflowExecutionId, Added: at, Version: ver})
			}
		case *events.MetadataStored:
			err = need(e.AssetId, r.Env.Key)
			switch {
			case err != nil:
			case e.OperatorName == "":
				err = fmt.Errorf("%w: OperatorName", errMissingField)
			case e.Page < 0:
				err = fmt.Errorf("%w: Page %d is negative", errMissingField, e.Page)
			case (e.Ref == nil) == (len(e.Results) == 0):
				err = fmt.Errorf("%w: exactly one of Results and Ref", errMissingField)
			default:
				row := chconn.MetadataRow{AssetId: e.AssetId, Operator: e.OperatorName, Page: int32(e.Page), WorkflowId: e.WorkflowId,
					Final: e.Final, Results: string(e.Results), Stored: at, Partition: r.Partition, Offset: r.Offset, Version: ver}
				if e.Ref != nil {
					row.RefBucket, row.RefKey, row.RefSize, row.RefSHA256 = e.Ref.S3Bucket, e.Ref.S3Key, e.Ref.Size, e.Ref.SHA256
				}
				putMetadata(out, metaIdx, row)
			}
		case *events.MetadataDeleted:
			err = need(e.AssetId, r.Env.Key)
			if err == nil && e.OperatorName == "" {
				err = fmt.Errorf("%w: OperatorName", errMissingField)
			}
			if err == nil {
				putMetadata(out, metaIdx, chconn.MetadataRow{AssetId: e.AssetId, Operator: e.OperatorName, Page: -1, Stored: at,
					Partition: r.Partition, Offset: r.Offset, Version: ver})
			}
		default:
			bad = append(bad, Bad{Record: r, Reason: deadletter.ReasonUnexpectedType,
				Err: fmt.Errorf("%s is not a dataplane event", r.Env.Type)})
			continue
		}
		if err != nil {
			reason := deadletter.ReasonInvalid
			if errors.Is(err, errKeyMismatch) {
				reason = deadletter.ReasonKeyMismatch
			}
			bad = append(bad, Bad{Record: r, Reason: reason, Err: err})
		}
	}
	return bad
}

func need(assetId, key string) error {
	if assetId == "" {
		return fmt.Errorf("%w: AssetId", errMissingField)
	}
	if key != assetId {
		return fmt.Errorf("%w: key %q, asset %q", errKeyMismatch, key, assetId)
	}
	return nil
}

func putAsset(out *chconn.Rows, idx map[string]int, row chconn.AssetRow) {
	if i, ok := idx[row.AssetId]; ok {
		out.Assets[i] = row
		return
	}
	idx[row.AssetId] = len(out.Assets)
	out.Assets = append(out.Assets, row)
}

func putMetadata(out *chconn.Rows, idx map[string]int, row chconn.MetadataRow) {
	k := fmt.Sprintf("%s\x00%s\x00%d", row.AssetId, row.Operator, row.Page)
	if i, ok := idx[k]; ok {
		out.Metadata[i] = row
		return
	}
	idx[k] = len(out.Metadata)
	out.Metadata = append(out.Metadata, row)
}
