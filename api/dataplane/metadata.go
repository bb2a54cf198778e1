package dataplane

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
)

// MetadataInput is POST /metadata/{asset_id}'s body.
type MetadataInput struct {
	OperatorName string          `json:"OperatorName"`
	Results      json.RawMessage `json:"Results"`
	WorkflowId   string          `json:"WorkflowId"`
}

// Page is one page of metadata as readers see it: claim-checked results
// are resolved.
type Page struct {
	OperatorName string          `json:"operator"`
	WorkflowId   string          `json:"workflow_id,omitempty"`
	Page         int             `json:"page"`
	Final        bool            `json:"final"`
	Results      json.RawMessage `json:"results"`
}

// Stored says where a page went.
type Stored struct {
	AssetId      string `json:"asset_id"`
	OperatorName string `json:"operator"`
	Page         int    `json:"page"`
	Final        bool   `json:"final"`
	// ClaimCheck is true when the results went to object storage.
	ClaimCheck bool `json:"claim_check"`
}

// validName: operator names and ids as the control plane allows them.
func validName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// StoreMetadata stores one page of an operator's results for an asset, as
// MIE's store_asset_metadata does. Without paginated the results are the
// operator's whole result (page 0, final). With paginated, each call adds
// the next page of the result in progress (a new result starts at page 0
// once the previous one was ended), and end marks the last page.
func (s *Service) StoreMetadata(ctx context.Context, assetID string, in MetadataInput, paginated, end bool) (*Stored, error) {
	if !validName(in.OperatorName) {
		return nil, problem.Invalid("OperatorName", "%q: required; use letters, digits, '_' and '-'", in.OperatorName)
	}
	if !events.IsJSONObject(in.Results) {
		return nil, problem.Invalid("Results", "must be a JSON object")
	}
	if in.WorkflowId != "" && !validName(in.WorkflowId) {
		return nil, problem.Invalid("WorkflowId", "%q is not a workflow execution id", in.WorkflowId)
	}
	l := s.lock(assetID)
	l.Lock()
	defer l.Unlock()
	if _, err := s.cfg.Assets.Asset(ctx, assetID); err != nil {
		return nil, err
	}
	page, final := 0, true
	if paginated {
		final = end
		pages, err := s.cfg.Assets.OperatorMetadata(ctx, assetID, in.OperatorName)
		switch {
		case err == nil && len(pages) > 0 && !pages[len(pages)-1].Final:
			page = pages[len(pages)-1].Page + 1
		case err != nil && !problemNotFound(err):
			return nil, err
		}
	}
	ev, err := s.metadataEvent(ctx, assetID, in.OperatorName, in.WorkflowId, page, final, in.Results)
	if err != nil {
		return nil, err
	}
	if err := s.emit(ctx, assetID, ev); err != nil {
		return nil, err
	}
	return &Stored{AssetId: assetID, OperatorName: in.OperatorName, Page: page, Final: final, ClaimCheck: ev.Ref != nil}, nil
}

// metadataEvent builds MetadataStored, moving results too large for a
// record to object storage under the asset's folder.
func (s *Service) metadataEvent(ctx context.Context, assetID, operator, workflowID string, page int, final bool, results json.RawMessage) (*events.MetadataStored, error) {
	key := events.MetadataKey(assetID, operator, events.NewID(), page)
	inline, ref, err := s.cfg.Claims.Offload(ctx, key, results)
	if err != nil {
		return nil, fmt.Errorf("store results of %s: %w", operator, err)
	}
	return &events.MetadataStored{AssetId: assetID, OperatorName: operator, WorkflowId: workflowID,
		Page: page, Final: final, Results: inline, Ref: ref}, nil
}

// Metadata lists an asset's metadata pages, ordered by operator then page.
func (s *Service) Metadata(ctx context.Context, assetID, cursor string, limit int) ([]Page, string, error) {
	after, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	list, next, err := s.cfg.Assets.Metadata(ctx, assetID, view.Cursor{After: after, Limit: limit})
	if err != nil {
		return nil, "", err
	}
	out, err := s.resolve(ctx, list)
	if err != nil {
		return nil, "", err
	}
	return out, encodeCursor(next), nil
}

// OperatorMetadata returns one page of one operator's results; the cursor
// of a multi-page result leads to the next page and is "" on the last.
func (s *Service) OperatorMetadata(ctx context.Context, assetID, operator, cursor string) (*Page, string, error) {
	after, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	want := 0
	if after != "" {
		n, err := strconv.Atoi(after)
		if err != nil || n < 0 {
			return nil, "", problem.Invalid("cursor", "is malformed: pass the cursor of the previous page as it was returned")
		}
		want = n + 1
	}
	pages, err := s.cfg.Assets.OperatorMetadata(ctx, assetID, operator)
	if err != nil {
		return nil, "", err
	}
	if want >= len(pages) {
		return nil, "", problem.Invalid("cursor", "points past the last page (%d pages); the result may have been replaced", len(pages))
	}
	out, err := s.resolve(ctx, pages[want:want+1])
	if err != nil {
		return nil, "", err
	}
	next := ""
	if want+1 < len(pages) {
		next = encodeCursor(strconv.Itoa(want))
	}
	return &out[0], next, nil
}

func (s *Service) resolve(ctx context.Context, list []view.MetadataPage) ([]Page, error) {
	out := make([]Page, 0, len(list))
	for _, p := range list {
		raw, err := s.cfg.Claims.Resolve(ctx, p.Results, p.Ref)
		if err != nil {
			return nil, fmt.Errorf("read results of %s page %d: %w", p.OperatorName, p.Page, err)
		}
		out = append(out, Page{OperatorName: p.OperatorName, WorkflowId: p.WorkflowId, Page: p.Page, Final: p.Final, Results: raw})
	}
	return out, nil
}

// DeleteMetadata removes one operator's metadata of an asset: the event
// first, then its claim-checked objects (harmless leftovers if that fails;
// they are removed with the asset).
func (s *Service) DeleteMetadata(ctx context.Context, assetID, operator string) error {
	l := s.lock(assetID)
	l.Lock()
	defer l.Unlock()
	pages, err := s.cfg.Assets.OperatorMetadata(ctx, assetID, operator)
	if err != nil {
		return err
	}
	if err := s.emit(ctx, assetID, &events.MetadataDeleted{AssetId: assetID, OperatorName: operator}); err != nil {
		return err
	}
	for _, p := range pages {
		if p.Ref != nil {
			if err := s.cfg.Store.Delete(ctx, p.Ref.S3Bucket, p.Ref.S3Key); err != nil {
				s.log.Warn("deleting claim-checked results failed; they go with the asset", "asset", assetID, "key", p.Ref.S3Key, "err", err)
			}
		}
	}
	return nil
}
