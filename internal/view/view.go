// Package view holds the read models: the versioned, JSON-tagged shapes in
// which the projections (memory and ClickHouse) hold what they fold and the
// API serves it, and the filters and cursors that query them. They are
// made from events and from the engine's state, never the engine's
// internal structs themselves, so that renaming an engine field never
// changes stored data or an API response.
package view

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
)

// Filter selects executions; empty fields match all. Results are newest
// first, at most Limit (0 = all).
type Filter struct {
	Status  string
	AssetId string
	// StateMachine keeps the executions of the state machine or MIE
	// workflow of that name.
	StateMachine string
	Limit        int
}

// NotFound is the error for an unknown execution id.
func NotFound(id string) error { return problem.NotFound("workflow execution", id) }

// Asset is an asset as the data plane projection holds it.
type Asset struct {
	AssetId   string    `json:"AssetId"`
	MediaType string    `json:"MediaType"`
	S3Bucket  string    `json:"S3Bucket"`
	S3Key     string    `json:"S3Key"`
	Created   time.Time `json:"Created"`
	// Media are the objects added to the asset, in order.
	Media []events.MediaObjectAdded `json:"Media,omitempty"`
	// Operators have stored metadata, sorted by name.
	Operators []string `json:"Operators,omitempty"`
}

// MetadataPage is one stored page of an operator's results: inline Results
// or a claim-check Ref, as in the event.
type MetadataPage struct {
	AssetId      string            `json:"AssetId"`
	OperatorName string            `json:"OperatorName"`
	WorkflowId   string            `json:"WorkflowId,omitempty"`
	Page         int               `json:"Page"`
	Final        bool              `json:"Final"`
	Results      json.RawMessage   `json:"Results,omitempty"`
	Ref          *events.ObjectRef `json:"Ref,omitempty"`
	Stored       time.Time         `json:"Stored"`
}

// Cursor pages through a listing: After is the last key the previous page
// returned ("" for the first page), Limit the page size.
type Cursor struct {
	After string
	Limit int
}

// MetadataKey is the listing key of a metadata page, "<operator>/<page>":
// the Cursor.After of Assets.Metadata.
func MetadataKey(operator string, page int) string { return operator + "/" + strconv.Itoa(page) }

// ParseMetadataKey reads a MetadataKey back; "" is the start of the
// listing (operator "", page -1). A key no backend made is ErrInvalid.
func ParseMetadataKey(after string) (operator string, page int, err error) {
	if after == "" {
		return "", -1, nil
	}
	i := strings.LastIndexByte(after, '/')
	n, err := strconv.Atoi(after[i+1:])
	if i <= 0 || err != nil || n < 0 {
		return "", 0, problem.Invalid("cursor", "is not a cursor this API returned")
	}
	return after[:i], n, nil
}
