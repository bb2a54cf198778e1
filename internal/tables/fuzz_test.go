package tables_test

import (
	"testing"

	"github.com/mie-kafka/mie/internal/tables"
)

// FuzzDecodeItem decodes arbitrary JSON as an item: nothing may panic,
// every refusal is a SerializationException or ValidationException, and
// what decodes encodes to its canonical form, which decodes to an equal
// item that encodes the same. Seeds are in testdata/fuzz/FuzzDecodeItem.
func FuzzDecodeItem(f *testing.F) {
	f.Add(`{"a":{"M":{"b":{"L":[{"NS":["1","2.50"]},{"NULL":true}]}}}}`)
	f.Fuzz(func(t *testing.T, src string) {
		it, err := tables.DecodeItem([]byte(src))
		if err != nil {
			if !tables.IsCode(err, tables.SerializationException) && !tables.IsCode(err, tables.ValidationException) {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		enc := it.Encode()
		again, err := tables.DecodeItem(enc)
		if err != nil {
			t.Fatalf("%s re-encoded as %s, which does not decode: %v", src, enc, err)
		}
		if !again.Equal(it) || string(again.Encode()) != string(enc) {
			t.Fatalf("%s: round trip changed the item: %s then %s", src, enc, again.Encode())
		}
	})
}
