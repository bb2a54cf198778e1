package dataplane

import (
	"encoding/base64"
	"encoding/json"

	"github.com/mie-kafka/mie/internal/problem"
)

// cursorVersion lets a later release change what a cursor holds and still
// recognize (and reject clearly) an old one.
const cursorVersion = 1

type cursor struct {
	V     int    `json:"v"`
	After string `json:"a"`
}

// encodeCursor makes the opaque cursor for a next page; "" stays "" (no
// next page).
func encodeCursor(after string) string {
	if after == "" {
		return ""
	}
	b, _ := json.Marshal(cursor{V: cursorVersion, After: after})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor this API returned; "" is the first page.
func decodeCursor(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.V != cursorVersion || c.After == "" {
		return "", problem.Invalid("cursor", "is malformed: pass the cursor of the previous page as it was returned")
	}
	return c.After, nil
}
