package tables_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/tables"
)

func TestItemFromPlain(t *testing.T) {
	var plain map[string]any
	d := json.NewDecoder(strings.NewReader(`{"JobId":"job-42","duration":120.5,"width":1920,"passed":true,"none":null,
		"outputs":[{"format":"mp4"},"hls"],"meta":{"codec":"h264"}}`))
	d.UseNumber()
	if err := d.Decode(&plain); err != nil {
		t.Fatal(err)
	}
	got, err := tables.ItemFromPlain(plain)
	if err != nil {
		t.Fatal(err)
	}
	want := tables.MustItem(`{"JobId":{"S":"job-42"},"duration":{"N":"120.5"},"width":{"N":"1920"},"passed":{"BOOL":true},
		"none":{"NULL":true},"outputs":{"L":[{"M":{"format":{"S":"mp4"}}},{"S":"hls"}]},"meta":{"M":{"codec":{"S":"h264"}}}}`)
	if !got.Equal(want) {
		t.Errorf("got %s, want %s", got.Encode(), want.Encode())
	}
	// float64 values (encoding/json's default) convert too, exactly.
	if v, err := tables.FromPlain(0.1); err != nil || v.Str() != "0.1" {
		t.Errorf("0.1 = %v, %v", v, err)
	}
	if _, err := tables.ItemFromPlain(map[string]any{"c": make(chan int)}); err == nil || !strings.Contains(err.Error(), "c:") {
		t.Errorf("a channel: %v", err)
	}
}
