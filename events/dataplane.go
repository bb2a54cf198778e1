package events

import "encoding/json"

// The data plane's change stream: every change to an asset, its media or its
// operator metadata is one of these events on the dataplane topic, keyed by
// asset id, so a consumer sees each asset's changes in order. The stream is
// documented for consumers outside the engine (docs/event-schemas.md).

// AssetCreated: a new asset whose source media is at S3Bucket/S3Key.
type AssetCreated struct {
	AssetId   string `json:"AssetId"`
	MediaType string `json:"MediaType"`
	S3Bucket  string `json:"S3Bucket"`
	S3Key     string `json:"S3Key"`
}

// MediaObjectAdded: an operator (or an upload) derived a media object of
// an asset, stored at a path unique to the asset and execution.
type MediaObjectAdded struct {
	AssetId             string `json:"AssetId"`
	MediaType           string `json:"MediaType"`
	S3Bucket            string `json:"S3Bucket"`
	S3Key               string `json:"S3Key"`
	OperatorName        string `json:"OperatorName,omitempty"`
	WorkflowExecutionId string `json:"WorkflowExecutionId,omitempty"`
}

// ObjectRef locates a payload moved to object storage (claim check).
type ObjectRef struct {
	S3Bucket string `json:"S3Bucket"`
	S3Key    string `json:"S3Key"`
	Size     int64  `json:"Size"`
	SHA256   string `json:"SHA256"`
}

// MetadataStored: one page of an operator's results for an asset. Results
// is inline when it fits a record; otherwise Ref points at the object that
// holds it. Exactly one of the two is set. Pages of a paginated result are
// numbered from 0; Final marks the last (and is true for a single page).
type MetadataStored struct {
	AssetId      string          `json:"AssetId"`
	OperatorName string          `json:"OperatorName"`
	WorkflowId   string          `json:"WorkflowId,omitempty"`
	Page         int             `json:"Page"`
	Final        bool            `json:"Final"`
	Results      json.RawMessage `json:"Results,omitempty"`
	Ref          *ObjectRef      `json:"Ref,omitempty"`
}

// MetadataDeleted: an operator's metadata for an asset was removed.
type MetadataDeleted struct {
	AssetId      string `json:"AssetId"`
	OperatorName string `json:"OperatorName"`
}

// AssetDeleted: the asset, its media and its metadata were removed.
type AssetDeleted struct {
	AssetId string `json:"AssetId"`
}

func (*AssetCreated) EventType() string     { return "AssetCreated" }
func (*MediaObjectAdded) EventType() string { return "MediaObjectAdded" }
func (*MetadataStored) EventType() string   { return "MetadataStored" }
func (*MetadataDeleted) EventType() string  { return "MetadataDeleted" }
func (*AssetDeleted) EventType() string     { return "AssetDeleted" }

func init() {
	register(KindEvent, 1, func() Payload { return &AssetCreated{} })
	register(KindEvent, 1, func() Payload { return &MediaObjectAdded{} })
	register(KindEvent, 1, func() Payload { return &MetadataStored{} })
	register(KindEvent, 1, func() Payload { return &MetadataDeleted{} })
	register(KindEvent, 1, func() Payload { return &AssetDeleted{} })
}
