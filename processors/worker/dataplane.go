package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
)

// DataPlane gives operators MIE's helper library: store asset metadata
// (one page or many) and add derived media objects. Each is a change on the
// dataplane topic written in the task's transaction, so it is committed
// exactly when the task's result is. Workflow metadata for downstream
// operators is Result.MetaData.
type DataPlane struct {
	Store objectstore.Store
	// Bucket is the data plane bucket.
	Bucket string
	// Claims moves results too large for a record to object storage.
	Claims interface {
		Offload(ctx context.Context, key string, payload []byte) (json.RawMessage, *events.ObjectRef, error)
	}
}

// ErrNoDataPlane is returned by the helpers when the Runtime was built
// without Config.DataPlane.
var ErrNoDataPlane = errors.New("worker: this runtime has no data plane (Config.DataPlane)")

// Output collects what one task writes to the data plane.
type Output struct {
	dp   *DataPlane
	task *Task

	mu      sync.Mutex
	changes []events.Payload
	media   map[string]events.MediaObject
}

type outputKey struct{}

func withOutput(ctx context.Context, o *Output) context.Context {
	return context.WithValue(ctx, outputKey{}, o)
}

// Outputs returns the data plane helper of the task a handler is running.
// Outside a Runtime, or without Config.DataPlane, its methods return
// ErrNoDataPlane.
func Outputs(ctx context.Context) *Output {
	if o, ok := ctx.Value(outputKey{}).(*Output); ok {
		return o
	}
	return &Output{}
}

func (o *Output) ready() error {
	if o.dp == nil || o.task == nil {
		return ErrNoDataPlane
	}
	if o.task.AssetId == "" {
		return errors.New("worker: the task has no AssetId")
	}
	return nil
}

// Open reads one of the task's media objects, like MIE's helper that
// retrieves media from the data plane. The caller closes it.
func (o *Output) Open(ctx context.Context, m events.MediaObject) (io.ReadCloser, objectstore.Info, error) {
	if o.dp == nil {
		return nil, objectstore.Info{}, ErrNoDataPlane
	}
	return o.dp.Store.Get(ctx, m.S3Bucket, m.S3Key)
}

// StoreMetadata stores the operator's results for the asset as one page,
// like MIE's store_asset_metadata. results must encode to a JSON object.
func (o *Output) StoreMetadata(ctx context.Context, results any) error {
	return o.StoreMetadataPages(ctx, results)
}

// StoreMetadataPages stores a result of several pages, in order; the last
// is marked final. Each page must encode to a JSON object.
func (o *Output) StoreMetadataPages(ctx context.Context, pages ...any) error {
	if err := o.ready(); err != nil {
		return err
	}
	if len(pages) == 0 {
		return errors.New("worker: no metadata pages")
	}
	var out []events.Payload
	for i, p := range pages {
		raw, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("encode metadata page %d: %w", i, err)
		}
		if !events.IsJSONObject(raw) {
			return fmt.Errorf("metadata page %d is not a JSON object", i)
		}
		key := events.MetadataKey(o.task.AssetId, o.task.Name, o.task.TaskId, i)
		inline, ref, err := o.dp.Claims.Offload(ctx, key, raw)
		if err != nil {
			return fmt.Errorf("store metadata page %d: %w", i, err)
		}
		out = append(out, &events.MetadataStored{AssetId: o.task.AssetId, OperatorName: o.task.Name,
			WorkflowId: o.task.WorkflowExecutionId, Page: i, Final: i == len(pages)-1, Results: inline, Ref: ref})
	}
	o.mu.Lock()
	o.changes = append(o.changes, out...)
	o.mu.Unlock()
	return nil
}

// AddMediaObject stores a derived media object (Video, Audio, Image, Text,
// ...) named name under the folder unique to the asset and execution, like
// MIE's add_media_object, and returns where it is. It is added to the
// result's Media unless the handler sets that type itself.
func (o *Output) AddMediaObject(ctx context.Context, mediaType, name string, r io.Reader, size int64, contentType string) (events.MediaObject, error) {
	if mediaType == "" {
		return events.MediaObject{}, errors.New("worker: AddMediaObject needs a media type")
	}
	m, err := o.PutObject(ctx, name, r, size, contentType)
	if err != nil {
		return events.MediaObject{}, fmt.Errorf("store %s media object: %w", mediaType, err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.changes = append(o.changes, &events.MediaObjectAdded{AssetId: o.task.AssetId, MediaType: mediaType,
		S3Bucket: m.S3Bucket, S3Key: m.S3Key, OperatorName: o.task.Name, WorkflowExecutionId: o.task.WorkflowExecutionId})
	if o.media == nil {
		o.media = map[string]events.MediaObject{}
	}
	o.media[mediaType] = m
	return m, nil
}

// PutObject stores a file that belongs to a media object rather than
// being one (an HLS segment beside its playlist) in the same folder as
// AddMediaObject, without adding a media object to the asset.
func (o *Output) PutObject(ctx context.Context, name string, r io.Reader, size int64, contentType string) (events.MediaObject, error) {
	if err := o.ready(); err != nil {
		return events.MediaObject{}, err
	}
	key := events.MediaPath(o.task.AssetId, o.task.WorkflowExecutionId) + name
	if err := objectstore.ValidateKey(key); err != nil {
		return events.MediaObject{}, err
	}
	if _, err := o.dp.Store.Put(ctx, o.dp.Bucket, key, r, size, contentType); err != nil {
		return events.MediaObject{}, fmt.Errorf("store %s: %w", name, err)
	}
	return events.MediaObject{S3Bucket: o.dp.Bucket, S3Key: key}, nil
}

// apply merges the added media into a successful result.
func (o *Output) apply(res Result) Result {
	o.mu.Lock()
	defer o.mu.Unlock()
	if res.Status != events.ResultComplete || len(o.media) == 0 {
		return res
	}
	media := make(map[string]events.MediaObject, len(res.Media)+len(o.media))
	for t, m := range o.media {
		media[t] = m
	}
	for t, m := range res.Media {
		media[t] = m
	}
	res.Media = media
	return res
}
