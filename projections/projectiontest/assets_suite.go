package projectiontest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/projections"
)

// timeOf returns the time of the last event of s with key whose payload
// satisfies match.
func timeOf(t *testing.T, s Stream, key string, match func(events.Payload) bool) time.Time {
	t.Helper()
	var at time.Time
	for _, e := range s.Events {
		if e.Key == key && match(e.Payload) {
			at = e.Time
		}
	}
	if at.IsZero() {
		t.Fatalf("fixture: no such event of %s", key)
	}
	return at
}

func isCreated(p events.Payload) bool { _, ok := p.(*events.AssetCreated); return ok }

func pageOf(op string, page int) func(events.Payload) bool {
	return func(p events.Payload) bool {
		m, ok := p.(*events.MetadataStored)
		return ok && m.OperatorName == op && m.Page == page
	}
}

func assetIDs(as []view.Asset) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.AssetId)
	}
	return out
}

func pageKeys(ps []view.MetadataPage) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s/%d", p.OperatorName, p.Page))
	}
	return out
}

func mediaKeys(a *view.Asset) []string {
	out := []string{}
	for _, m := range a.Media {
		out = append(out, m.S3Key)
	}
	return out
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && fmt.Sprint(x) == fmt.Sprint(y)
}

func assetsSuite(t *testing.T, p projections.Assets, s Stream) {
	ctx := t.Context()

	t.Run("Asset", func(t *testing.T) {
		a, err := p.Asset(ctx, "as1")
		if err != nil {
			t.Fatal(err)
		}
		if a.AssetId != "as1" || a.MediaType != "Video" || a.S3Bucket != "media" || a.S3Key != "upload/as1.mp4" ||
			!a.Created.Equal(timeOf(t, s, "as1", isCreated)) {
			t.Errorf("Asset(as1) = %+v", a)
		}
		if got, want := mediaKeys(a), []string{"private/as1/x-as1/audio.mp3", "private/as1/x-as1/thumb.jpg"}; !slices.Equal(got, want) {
			t.Errorf("Asset(as1) media %v, want %v in order", got, want)
		}
		if a.Media[0].OperatorName != "ExtractAudio" || a.Media[0].MediaType != "Audio" || a.Media[0].WorkflowExecutionId != "x-as1" {
			t.Errorf("Asset(as1) first media %+v", a.Media[0])
		}
		// Faces' metadata was deleted; Transcribe and Labels remain.
		if want := []string{"Labels", "Transcribe"}; !slices.Equal(a.Operators, want) {
			t.Errorf("Asset(as1) operators %v, want %v", a.Operators, want)
		}
	})

	t.Run("Asset re-created", func(t *testing.T) {
		a, err := p.Asset(ctx, "as3")
		if err != nil {
			t.Fatal(err)
		}
		if !a.Created.Equal(timeOf(t, s, "as3", isCreated)) {
			t.Errorf("Asset(as3) created %s, want its second creation", a.Created)
		}
		if got := mediaKeys(a); !slices.Equal(got, []string{"private/as3/new.mp3"}) {
			t.Errorf("Asset(as3) media %v, want only what came after its re-creation", got)
		}
		if len(a.Operators) != 0 {
			t.Errorf("Asset(as3) operators %v, want none (its metadata went with the deleted asset)", a.Operators)
		}
	})

	t.Run("Deleted", func(t *testing.T) {
		if _, err := p.Asset(ctx, "as2"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("Asset(as2) = %v, want ErrNotFound (deleted)", err)
		}
		if _, _, err := p.Metadata(ctx, "as2", view.Cursor{}); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("Metadata(as2) = %v, want ErrNotFound", err)
		}
		if _, err := p.OperatorMetadata(ctx, "as1", "Faces"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("OperatorMetadata(as1, Faces) = %v, want ErrNotFound (deleted)", err)
		}
		if _, err := p.Asset(ctx, "nope"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("Asset(nope) = %v, want ErrNotFound", err)
		}
	})

	t.Run("Assets paging", func(t *testing.T) {
		all := []string{"as1", "as3", "as4", "as5"}
		got, next, err := p.Assets(ctx, view.Cursor{})
		if err != nil || !slices.Equal(assetIDs(got), all) || next != "" {
			t.Fatalf("Assets() = %v %q %v, want %v and no next page", assetIDs(got), next, err, all)
		}
		var pages []string
		cur := view.Cursor{Limit: 3}
		for i := 0; ; i++ {
			got, next, err := p.Assets(ctx, cur)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, assetIDs(got)...)
			if next == "" {
				break
			}
			if i > len(all) || next != got[len(got)-1].AssetId {
				t.Fatalf("page %d: next %q after %v", i, next, assetIDs(got))
			}
			cur.After = next
		}
		if !slices.Equal(pages, all) {
			t.Errorf("paging by 3 gave %v, want %v", pages, all)
		}
		got, next, _ = p.Assets(ctx, view.Cursor{Limit: 2})
		if !slices.Equal(assetIDs(got), []string{"as1", "as3"}) || next != "as3" {
			t.Errorf("Assets(Limit 2) = %v next %q, want [as1 as3] next as3", assetIDs(got), next)
		}
		got, next, _ = p.Assets(ctx, view.Cursor{After: "as3", Limit: 2})
		if !slices.Equal(assetIDs(got), []string{"as4", "as5"}) || next != "" {
			t.Errorf("Assets(after as3, Limit 2) = %v next %q, want [as4 as5] and no next", assetIDs(got), next)
		}
		for _, a := range got {
			if a.AssetId == "as4" && a.S3Key != "upload/as4.mp4" {
				t.Errorf("listed as4 = %+v", a)
			}
		}
	})

	t.Run("Metadata paging and order", func(t *testing.T) {
		got, next, err := p.Metadata(ctx, "as1", view.Cursor{})
		if want := []string{"Labels/0", "Transcribe/0"}; err != nil || !slices.Equal(pageKeys(got), want) || next != "" {
			t.Fatalf("Metadata(as1) = %v %q %v, want %v (Transcribe's new result replaced both old pages)", pageKeys(got), next, err, want)
		}
		got, next, _ = p.Metadata(ctx, "as1", view.Cursor{Limit: 1})
		if !slices.Equal(pageKeys(got), []string{"Labels/0"}) || next != "Labels/0" {
			t.Fatalf("Metadata(as1, Limit 1) = %v next %q", pageKeys(got), next)
		}
		got, next, _ = p.Metadata(ctx, "as1", view.Cursor{After: next, Limit: 1})
		if !slices.Equal(pageKeys(got), []string{"Transcribe/0"}) || next != "" {
			t.Fatalf("Metadata(as1, after Labels/0) = %v next %q", pageKeys(got), next)
		}
		if _, _, err := p.Metadata(ctx, "as1", view.Cursor{After: "garbage"}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("Metadata with a bad cursor = %v, want ErrInvalid", err)
		}
	})

	t.Run("OperatorMetadata", func(t *testing.T) {
		pages, err := p.OperatorMetadata(ctx, "as1", "Transcribe")
		if err != nil || len(pages) != 1 {
			t.Fatalf("OperatorMetadata(as1, Transcribe) = %v %v, want the one page of its latest result", pageKeys(pages), err)
		}
		pg := pages[0]
		if !sameJSON(pg.Results, json.RawMessage(`{"Words":["new","only"]}`)) || !pg.Final || pg.WorkflowId != "wf-as1" ||
			pg.AssetId != "as1" || pg.Ref != nil || !pg.Stored.Equal(timeOf(t, s, "as1", pageOf("Transcribe", 0))) {
			t.Errorf("OperatorMetadata(as1, Transcribe) = %+v (results %s)", pg, pg.Results)
		}
		labels, err := p.OperatorMetadata(ctx, "as1", "Labels")
		if err != nil || len(labels) != 1 {
			t.Fatalf("OperatorMetadata(as1, Labels) = %v %v", pageKeys(labels), err)
		}
		want := events.ObjectRef{S3Bucket: "media", S3Key: "private/as1/metadata/Labels/0.json", Size: 4 << 20, SHA256: "ab12"}
		if labels[0].Ref == nil || *labels[0].Ref != want || len(labels[0].Results) != 0 {
			t.Errorf("a claim-checked page = %+v, want Ref %+v and no Results", labels[0], want)
		}
		if _, err := p.OperatorMetadata(ctx, "nope", "Labels"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("OperatorMetadata(nope, Labels) = %v, want ErrNotFound", err)
		}
	})
}

func followAssets(t *testing.T, p projections.Assets, s, more Stream) {
	ctx := t.Context()
	if _, err := p.Asset(ctx, "as4"); !errors.Is(err, problem.ErrNotFound) {
		t.Errorf("Asset(as4) after its deletion = %v, want ErrNotFound", err)
	}
	got, next, err := p.Assets(ctx, view.Cursor{})
	if want := []string{"as1", "as3", "as5"}; err != nil || !slices.Equal(assetIDs(got), want) || next != "" {
		t.Errorf("Assets() = %v %q %v, want %v", assetIDs(got), next, err, want)
	}
	a, err := p.Asset(ctx, "as5")
	if err != nil || !slices.Equal(a.Operators, []string{"Late"}) {
		t.Fatalf("Asset(as5) = %+v %v, want operator Late", a, err)
	}
	pages, err := p.OperatorMetadata(ctx, "as5", "Late")
	if err != nil || len(pages) != 1 || !sameJSON(pages[0].Results, json.RawMessage(`{"Late":true}`)) ||
		!pages[0].Stored.Equal(timeOf(t, more, "as5", pageOf("Late", 0))) {
		t.Errorf("OperatorMetadata(as5, Late) = %+v %v", pages, err)
	}
}
