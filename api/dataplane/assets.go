package dataplane

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

// MediaTypes an asset's media may have.
var MediaTypes = []string{"Video", "Audio", "Image", "Text"}

// CreateInput is POST /create's Input: where the source object is.
type CreateInput struct {
	MediaType string `json:"MediaType"`
	S3Bucket  string `json:"S3Bucket"`
	S3Key     string `json:"S3Key"`
}

func (in CreateInput) validate() error {
	var errs []error
	if !slices.Contains(MediaTypes, in.MediaType) {
		errs = append(errs, problem.Invalid("Input.MediaType", "%q: want one of Video, Audio, Image, Text", in.MediaType))
	}
	if err := objectstore.ValidateBucket(in.S3Bucket); err != nil {
		errs = append(errs, err)
	}
	if err := objectstore.ValidateKey(in.S3Key); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// CreateAsset makes an asset of a stored object, as MIE's POST /create
// does: the object is copied to the asset's input folder in the data plane
// bucket and AssetCreated names the copy.
func (s *Service) CreateAsset(ctx context.Context, in CreateInput) (*view.Asset, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	id := events.NewID()
	dst, err := s.copyIn(ctx, id, in.S3Bucket, in.S3Key)
	if err != nil {
		return nil, err
	}
	created := &events.AssetCreated{AssetId: id, MediaType: in.MediaType, S3Bucket: dst.S3Bucket, S3Key: dst.S3Key}
	if err := s.emit(ctx, id, created); err != nil {
		return nil, err
	}
	s.log.Info("asset created", "asset", id, "media_type", in.MediaType, "key", dst.S3Key)
	return s.cfg.Assets.Asset(ctx, id)
}

// copyIn streams bucket/key into the asset's input folder.
func (s *Service) copyIn(ctx context.Context, assetID, bucket, key string) (events.MediaObject, error) {
	r, info, err := s.cfg.Store.Get(ctx, bucket, key)
	if err != nil {
		if errors.Is(err, problem.ErrNotFound) {
			return events.MediaObject{}, fmt.Errorf("%w: source object %s/%s does not exist", problem.ErrInvalid, bucket, key)
		}
		return events.MediaObject{}, err
	}
	defer r.Close()
	dstKey := events.AssetPrefix(assetID) + "input/" + baseName(key)
	if _, err := s.cfg.Store.Put(ctx, s.cfg.Bucket, dstKey, r, info.Size, info.ContentType); err != nil {
		return events.MediaObject{}, fmt.Errorf("copy %s/%s into asset %s: %w", bucket, key, assetID, err)
	}
	return events.MediaObject{S3Bucket: s.cfg.Bucket, S3Key: dstKey}, nil
}

// CreateFromMedia creates the asset of an execution started with
// Input.Media: the first media object (Video, Audio, Image, Text order) is
// the asset's source and the others are added to it. Unlike POST /create
// nothing is copied (an execution start stays cheap, and S3 media are
// often large); each object must exist.
func (s *Service) CreateFromMedia(ctx context.Context, media map[string]events.MediaObject) (string, map[string]events.MediaObject, error) {
	id := events.NewID()
	var changes []events.Payload
	for _, t := range MediaTypes {
		m, ok := media[t]
		if !ok {
			continue
		}
		in := CreateInput{MediaType: t, S3Bucket: m.S3Bucket, S3Key: m.S3Key}
		if err := in.validate(); err != nil {
			return "", nil, fmt.Errorf("Input.Media.%s: %w", t, err)
		}
		if _, err := s.cfg.Store.Stat(ctx, m.S3Bucket, m.S3Key); err != nil {
			if errors.Is(err, problem.ErrNotFound) {
				return "", nil, fmt.Errorf("%w: Input.Media.%s: object %s/%s does not exist", problem.ErrInvalid, t, m.S3Bucket, m.S3Key)
			}
			return "", nil, fmt.Errorf("Input.Media.%s: %w", t, err)
		}
		if len(changes) == 0 {
			changes = append(changes, &events.AssetCreated{AssetId: id, MediaType: t, S3Bucket: m.S3Bucket, S3Key: m.S3Key})
		} else {
			changes = append(changes, &events.MediaObjectAdded{AssetId: id, MediaType: t, S3Bucket: m.S3Bucket, S3Key: m.S3Key})
		}
	}
	if len(changes) == 0 {
		return "", nil, problem.Invalid("Input.Media", "needs one of Video, Audio, Image, Text")
	}
	if err := s.emit(ctx, id, changes...); err != nil {
		return "", nil, err
	}
	return id, media, nil
}

// Media returns an asset's media by type, to run an execution on: the
// source object under its media type, then every added object (a later
// one of a type replaces an earlier).
func (s *Service) Media(ctx context.Context, assetID string) (map[string]events.MediaObject, error) {
	a, err := s.cfg.Assets.Asset(ctx, assetID)
	if err != nil {
		return nil, err
	}
	out := map[string]events.MediaObject{a.MediaType: {S3Bucket: a.S3Bucket, S3Key: a.S3Key}}
	for _, m := range a.Media {
		if m.WorkflowExecutionId == "" {
			out[m.MediaType] = events.MediaObject{S3Bucket: m.S3Bucket, S3Key: m.S3Key}
		}
	}
	return out, nil
}

// Asset reads one asset.
func (s *Service) Asset(ctx context.Context, id string) (*view.Asset, error) {
	return s.cfg.Assets.Asset(ctx, id)
}

// Assets lists assets by id, a page at a time.
func (s *Service) Assets(ctx context.Context, cursor string, limit int) ([]view.Asset, string, error) {
	after, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	list, next, err := s.cfg.Assets.Assets(ctx, view.Cursor{After: after, Limit: limit})
	if err != nil {
		return nil, "", err
	}
	return list, encodeCursor(next), nil
}

// DeleteAsset removes an asset: its objects first (so that a failure
// half way can be retried while the asset still exists), then
// AssetDeleted, its last change.
func (s *Service) DeleteAsset(ctx context.Context, id string) error {
	l := s.lock(id)
	l.Lock()
	defer l.Unlock()
	if _, err := s.cfg.Assets.Asset(ctx, id); err != nil {
		return err
	}
	if s.cfg.Active != nil {
		if x, ok, err := s.cfg.Active(ctx, id); err != nil {
			return err
		} else if ok {
			return problem.Conflict("asset %s has an active execution %s; cancel it or wait for it to end", id, x)
		}
	}
	objs, err := s.cfg.Store.List(ctx, s.cfg.Bucket, events.AssetPrefix(id))
	if err != nil {
		return fmt.Errorf("list objects of asset %s: %w", id, err)
	}
	for _, o := range objs {
		if err := s.cfg.Store.Delete(ctx, s.cfg.Bucket, o.Key); err != nil {
			return fmt.Errorf("delete %s of asset %s: %w", o.Key, id, err)
		}
	}
	if err := s.emit(ctx, id, &events.AssetDeleted{AssetId: id}); err != nil {
		return err
	}
	s.log.Info("asset deleted", "asset", id, "objects", len(objs))
	return nil
}

// MediaPathOf is where an execution stores what it derives from an asset.
func (s *Service) MediaPathOf(ctx context.Context, assetID, workflowID string) (events.MediaObject, error) {
	if _, err := s.cfg.Assets.Asset(ctx, assetID); err != nil {
		return events.MediaObject{}, err
	}
	if err := objectstore.ValidateKey(workflowID); err != nil || !validName(workflowID) {
		return events.MediaObject{}, problem.Invalid("workflow_id", "%q is not a workflow execution id", workflowID)
	}
	return events.MediaObject{S3Bucket: s.cfg.Bucket, S3Key: events.MediaPath(assetID, workflowID)}, nil
}
