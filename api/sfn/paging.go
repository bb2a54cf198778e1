package sfn

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"
)

// Paging: a listing is in one fixed order of keys (strings that sort in
// the listing's order); nextToken says which query it continues and the
// key of the last item returned, so a page never repeats or skips an item
// that was there before the first page was read.

// Defaults and bounds of maxResults.
const (
	defaultPage = 100
	maxPage     = 1000
)

// pageSize checks a request's maxResults (0: the default).
func pageSize(maxResults int32, limit int) (int, error) {
	switch {
	case maxResults < 0 || int(maxResults) > limit:
		return 0, fault(ValidationException, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to %d and greater than or equal to 0", maxResults, limit)
	case maxResults == 0:
		return min(defaultPage, limit), nil
	}
	return int(maxResults), nil
}

type pageToken struct {
	Query string `json:"q"`
	After string `json:"a"`
}

// page returns the items after token (a nextToken this API returned for
// the same query) and the token of the next page, "" at the end. keys
// are the items' keys, ascending.
func page[T any](items []T, keys []string, query, token string, size int) ([]T, string, error) {
	start := 0
	if token != "" {
		after, err := readToken(query, token)
		if err != nil {
			return nil, "", err
		}
		start = sort.SearchStrings(keys, after)
		if start < len(keys) && keys[start] == after {
			start++
		}
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		b, _ := json.Marshal(pageToken{Query: query, After: keys[end-1]})
		next = base64.RawURLEncoding.EncodeToString(b)
	}
	return items[start:end], next, nil
}

func readToken(query, token string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	var t pageToken
	if err != nil || json.Unmarshal(b, &t) != nil || t.Query != query {
		return "", fault(InvalidToken, "Invalid Token: '%s' is not a nextToken of this request", token)
	}
	return t.After, nil
}

// newestFirst is a key that sorts later times first, ties by id.
func newestFirst(t time.Time, id string) string {
	return fmt.Sprintf("%020d/%s", math.MaxInt64-t.UnixNano(), id)
}

// descending is a key that sorts larger numbers first.
func descending(n int) string { return fmt.Sprintf("%020d", math.MaxInt64-int64(n)) }

// ascending is a key that sorts smaller numbers first.
func ascending(n int) string { return fmt.Sprintf("%020d", n) }
