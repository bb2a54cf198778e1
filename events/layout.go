package events

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Where the data plane keeps an asset's objects in its bucket (MIE's
// layout). The API and the workers write there; consumers of the change
// stream find the keys in its events.

// AssetPrefix is where an asset's objects live in the data plane bucket.
func AssetPrefix(assetID string) string { return "private/assets/" + assetID + "/" }

// MediaPath is the folder for the objects one execution derives from an
// asset, unique to asset and execution.
func MediaPath(assetID, workflowID string) string {
	return AssetPrefix(assetID) + "workflows/" + workflowID + "/"
}

// MetadataKey is the object holding page page of an operator's metadata
// for an asset, written once under a fresh id.
func MetadataKey(assetID, operator, id string, page int) string {
	return fmt.Sprintf("%smetadata/%s/%s-%d.json", AssetPrefix(assetID), operator, id, page)
}

// IsJSONObject reports whether raw is a JSON object, the only form
// operator metadata takes.
func IsJSONObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return false
	}
	return json.Valid(raw)
}
