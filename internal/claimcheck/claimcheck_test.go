package claimcheck_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/claimcheck"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

const bucket = "mie-metadata"

func setup(t *testing.T, threshold int) (*claimcheck.Checker, *objectstore.Local) {
	t.Helper()
	store, err := objectstore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	c, err := claimcheck.New(store, claimcheck.Config{Bucket: bucket, Threshold: threshold})
	if err != nil {
		t.Fatal(err)
	}
	return c, store
}

// results builds a JSON object of exactly n bytes.
func results(n int) []byte {
	head := `{"Labels":"`
	return []byte(head + strings.Repeat("x", n-len(head)-2) + `"}`)
}

func TestRoundTrip(t *testing.T) {
	const threshold = 1024
	c, store := setup(t, threshold)
	ctx := t.Context()
	for _, n := range []int{20, threshold - 1, threshold, threshold + 1, 3 << 20} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			payload := results(n)
			key := fmt.Sprintf("asset-1/Labels/%d.json", n)
			inline, ref, err := c.Offload(ctx, key, payload)
			if err != nil {
				t.Fatal(err)
			}
			offloaded := n > threshold
			if offloaded != (ref != nil) || offloaded == (inline != nil) {
				t.Fatalf("%d bytes: inline %d bytes, ref %v; want offloaded=%v", n, len(inline), ref, offloaded)
			}
			if offloaded {
				sum := sha256.Sum256(payload)
				want := events.ObjectRef{S3Bucket: bucket, S3Key: key, Size: int64(n), SHA256: hex.EncodeToString(sum[:])}
				if *ref != want {
					t.Fatalf("ref = %+v, want %+v", *ref, want)
				}
				if st, err := store.Stat(ctx, bucket, key); err != nil || st.Size != int64(n) || st.ContentType != "application/json" {
					t.Fatalf("stored object = %+v, %v", st, err)
				}
			} else if _, err := store.Stat(ctx, bucket, key); !errors.Is(err, problem.ErrNotFound) {
				t.Fatalf("an inline payload was stored too: %v", err)
			}
			// Through the event and back, as a reader sees it.
			ev, err := json.Marshal(events.MetadataStored{AssetId: "asset-1", OperatorName: "Labels", Final: true, Results: inline, Ref: ref})
			if err != nil {
				t.Fatal(err)
			}
			var back events.MetadataStored
			if err := json.Unmarshal(ev, &back); err != nil {
				t.Fatal(err)
			}
			got, err := c.Resolve(ctx, back.Results, back.Ref)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, payload) {
				t.Fatalf("resolved %d bytes, not the %d put in", len(got), n)
			}
			if got, err := claimcheck.Resolve(ctx, store, back.Results, back.Ref); err != nil || !bytes.Equal(got, payload) {
				t.Fatalf("package Resolve: %d bytes, %v", len(got), err)
			}
		})
	}
}

func TestCorruptedObjectDetected(t *testing.T) {
	c, store := setup(t, 16)
	ctx := t.Context()
	payload := results(100)
	_, ref, err := c.Offload(ctx, "a/op/0.json", payload)
	if err != nil || ref == nil {
		t.Fatalf("offload: %v, %v", ref, err)
	}
	flipped := bytes.Clone(payload)
	flipped[50] ^= 1
	tests := []struct {
		name    string
		stored  []byte
		message string
	}{
		{"same size, one bit flipped", flipped, "want SHA-256 " + ref.SHA256},
		{"truncated", payload[:99], "has 99 bytes, want 100 bytes"},
		{"longer", append(bytes.Clone(payload), ' '), "has more than 100 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := store.Put(ctx, bucket, "a/op/0.json", bytes.NewReader(tt.stored), int64(len(tt.stored)), ""); err != nil {
				t.Fatal(err)
			}
			got, err := c.Resolve(ctx, nil, ref)
			var mm *claimcheck.MismatchError
			if !errors.Is(err, claimcheck.ErrCorrupt) || !errors.As(err, &mm) || got != nil {
				t.Fatalf("resolve = %d bytes, %v; want a mismatch", len(got), err)
			}
			if !strings.Contains(err.Error(), tt.message) || !strings.Contains(err.Error(), "a/op/0.json") {
				t.Fatalf("message %q does not say %q about the key", err, tt.message)
			}
		})
	}
}

func TestResolveBadInput(t *testing.T) {
	c, _ := setup(t, 16)
	ctx := t.Context()
	ref := &events.ObjectRef{S3Bucket: bucket, S3Key: "gone.json", Size: 3, SHA256: strings.Repeat("0", 64)}
	if _, err := c.Resolve(ctx, nil, ref); !errors.Is(err, problem.ErrNotFound) {
		t.Fatalf("missing object: %v, want not found", err)
	}
	if _, err := c.Resolve(ctx, nil, nil); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("neither: %v, want invalid", err)
	}
	if _, err := c.Resolve(ctx, json.RawMessage(`{}`), ref); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("both: %v, want invalid", err)
	}
	bad := &events.ObjectRef{S3Bucket: bucket, S3Key: "../escape", Size: 3, SHA256: ref.SHA256}
	if _, err := c.Resolve(ctx, nil, bad); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("traversal in a reference: %v, want invalid", err)
	}
	if _, _, err := c.Offload(ctx, "../escape", results(100)); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("traversal in an offload key: %v, want invalid", err)
	}
}

func TestConfig(t *testing.T) {
	store, err := objectstore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	c, err := claimcheck.New(store, claimcheck.Config{Bucket: bucket})
	if err != nil || c.Threshold() != claimcheck.DefaultThreshold {
		t.Fatalf("default threshold: %v, %v", c, err)
	}
	_, err = claimcheck.New(store, claimcheck.Config{Bucket: "Bad_Bucket", Threshold: -1})
	if err == nil || !strings.Contains(err.Error(), "Bad_Bucket") || !strings.Contains(err.Error(), "threshold") {
		t.Fatalf("bad config: %v, want both problems", err)
	}
	if _, err := claimcheck.New(nil, claimcheck.Config{Bucket: bucket}); err == nil {
		t.Fatal("nil store accepted")
	}
}
