package clickhouse

import (
	"slices"
	"testing"

	"github.com/mie-kafka/mie/internal/view"
)

func TestVisiblePages(t *testing.T) {
	keys := []pageKey{
		{"Transcribe", 0, 10}, {"Transcribe", 1, 11}, // an old result...
		{"Transcribe", 0, 20},               // ...replaced by a single-page one
		{"Faces", 0, 12}, {"Faces", -1, 13}, // deleted
		{"Labels", 0, 14}, {"Labels", -1, 15}, {"Labels", 0, 16}, {"Labels", 1, 17}, // deleted, then stored again
		{"Old", 0, 3}, // older than the asset's (re-)creation at 5
	}
	var got []string
	for _, k := range visible(keys, 5) {
		got = append(got, view.MetadataKey(k.operator, int(k.page)))
	}
	if want := []string{"Labels/0", "Labels/1", "Transcribe/0"}; !slices.Equal(got, want) {
		t.Errorf("visible = %v, want %v", got, want)
	}
	if ops := operatorsOf(visible(keys, 5)); !slices.Equal(ops, []string{"Labels", "Transcribe"}) {
		t.Errorf("operators = %v", ops)
	}
}
