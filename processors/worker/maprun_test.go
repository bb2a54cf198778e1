package worker_test

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/processors/worker"
)

// The map run worker against a real local object store.

func localStore(t *testing.T, objects map[string]string) *objectstore.Local {
	t.Helper()
	st, err := objectstore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	for key, body := range objects {
		bucket, k, _ := strings.Cut(key, "/")
		if _, err := st.Put(t.Context(), bucket, k, strings.NewReader(body), int64(len(body)), ""); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// readAll reads every page, limit items at a time, and returns the items
// as one JSON array and the pages read.
func readAll(t *testing.T, st objectstore.Store, r events.MapRunReader, limit, maxBytes int) (string, int) {
	t.Helper()
	all := []json.RawMessage{}
	cursor, pages := "", 0
	for {
		page, err := worker.ReadItems(t.Context(), st, events.MapRunRead{Reader: r, Cursor: cursor, Limit: limit, MaxBytes: maxBytes})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		pages++
		if len(page.Items) > limit {
			t.Fatalf("page %d has %d items, over the limit %d", pages, len(page.Items), limit)
		}
		all = append(all, page.Items...)
		if page.Done {
			break
		}
		if len(page.Items) == 0 || page.Cursor == cursor {
			t.Fatalf("page %d made no progress (cursor %q)", pages, page.Cursor)
		}
		cursor = page.Cursor
		if pages > 1000 {
			t.Fatal("no end")
		}
	}
	raw, _ := json.Marshal(all)
	return string(raw), pages
}

func sameJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("got %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %s: %v", want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Fatalf("items\n got %s\nwant %s", gb, wb)
	}
}

func TestMapRunReaderFormats(t *testing.T) {
	st := localStore(t, map[string]string{
		"inbox/items.json":  " [ {\"a\":\"x, y ] }\"}, [1,[2]],\n\"q\\\"uote\" , 42, true,\nnull, {\"n\":{\"deep\":[{}]}} ]\n",
		"inbox/items.jsonl": "{\"n\":1}\n\n  {\"n\":2}  \n\"three\"\n[4]\n{\"n\":5}",
		"inbox/first.csv":   "\ufeffname,age,city\nada,36,\"London, UK\"\nbob,41\n\"multi\nline\",7,Paris,extra\n",
		"inbox/given.csv":   "ada;36\nbob;41\n",
		"inbox/empty.json":  "[]",
	})
	for _, tt := range []struct {
		name   string
		reader events.MapRunReader
		limit  int
		want   string
	}{
		{"JSON array", events.MapRunReader{InputType: "JSON", Key: "items.json"}, 2,
			`[{"a":"x, y ] }"},[1,[2]],"q\"uote",42,true,null,{"n":{"deep":[{}]}}]`},
		{"JSON empty array", events.MapRunReader{InputType: "JSON", Key: "empty.json"}, 2, `[]`},
		{"JSONL", events.MapRunReader{InputType: "JSONL", Key: "items.jsonl"}, 2, `[{"n":1},{"n":2},"three",[4],{"n":5}]`},
		{"CSV first row", events.MapRunReader{InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", Key: "first.csv"}, 1,
			`[{"name":"ada","age":"36","city":"London, UK"},{"name":"bob","age":"41","city":""},{"name":"multi\nline","age":"7","city":"Paris"}]`},
		{"CSV given, semicolons", events.MapRunReader{InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: []string{"who", "age"},
			CSVDelimiter: "SEMICOLON", Key: "given.csv"}, 5, `[{"who":"ada","age":"36"},{"who":"bob","age":"41"}]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.reader.Resource, tt.reader.Bucket = "arn:aws:states:::s3:getObject", "inbox"
			got, _ := readAll(t, st, tt.reader, tt.limit, 0)
			sameJSON(t, got, tt.want)
		})
	}
}

// rangedStore serves ranges, as the S3 backend does: a page after the
// first opens the object at its offset.
type rangedStore struct {
	*objectstore.Local
	ranges int
}

func (s *rangedStore) GetRange(ctx context.Context, bucket, key string, off, n int64) (io.ReadCloser, objectstore.Info, error) {
	s.ranges++
	rc, info, err := s.Get(ctx, bucket, key)
	if err != nil {
		return nil, info, err
	}
	if _, err := io.CopyN(io.Discard, rc, off); err != nil {
		rc.Close()
		return nil, info, err
	}
	return rc, info, nil
}

func TestMapRunReaderRanges(t *testing.T) {
	st := &rangedStore{Local: localStore(t, map[string]string{"inbox/a.jsonl": "1\n2\n3\n4\n5\n"})}
	got, pages := readAll(t, st, events.MapRunReader{Resource: "arn:aws:states:::s3:getObject", Bucket: "inbox", Key: "a.jsonl",
		InputType: "JSONL"}, 2, 0)
	sameJSON(t, got, `[1,2,3,4,5]`)
	if st.ranges != pages-1 {
		t.Errorf("%d range reads for %d pages", st.ranges, pages)
	}
}

// A page ends at about MaxBytes, whatever its limit.
func TestMapRunReaderPageBytes(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 100; i++ {
		b.WriteString(`{"k":"` + strings.Repeat("v", 90) + `"}` + "\n")
	}
	st := localStore(t, map[string]string{"inbox/big.jsonl": b.String()})
	got, pages := readAll(t, st, events.MapRunReader{Resource: "arn:aws:states:::s3:getObject", Bucket: "inbox", Key: "big.jsonl",
		InputType: "JSONL"}, 1000, 1000)
	var items []any
	_ = json.Unmarshal([]byte(got), &items)
	if len(items) != 100 || pages < 10 {
		t.Fatalf("%d items in %d pages, want 100 in pages of about 1000 bytes", len(items), pages)
	}
}

func TestMapRunReaderListObjects(t *testing.T) {
	st := localStore(t, map[string]string{"inbox/photos/b.jpg": "bb", "inbox/photos/a.jpg": "a", "inbox/photos/c/d.jpg": "dddd",
		"inbox/other.txt": "x"})
	got, pages := readAll(t, st, events.MapRunReader{Resource: "arn:aws:states:::s3:listObjectsV2", Bucket: "inbox", Prefix: "photos/"}, 2, 0)
	var items []map[string]any
	if err := json.Unmarshal([]byte(got), &items); err != nil || len(items) != 3 || pages != 2 {
		t.Fatalf("%d items in %d pages: %s", len(items), pages, got)
	}
	for i, want := range []struct {
		key  string
		size float64
	}{{"photos/a.jpg", 1}, {"photos/b.jpg", 2}, {"photos/c/d.jpg", 4}} {
		it := items[i]
		if it["Key"] != want.key || it["Size"] != want.size || it["StorageClass"] != "STANDARD" || it["LastModified"].(float64) < 1e9 {
			t.Errorf("item %d: %v, want key %s size %v", i, it, want.key, want.size)
		}
	}
}

// Malformed files fail with a cause that names the bucket, the key and the
// line.
func TestMapRunReaderErrors(t *testing.T) {
	st := localStore(t, map[string]string{
		"inbox/bad.json":   "[\n{\"a\":1},\n{\"a\":2,,}\n]",
		"inbox/obj.json":   `{"not":"an array"}`,
		"inbox/open.json":  `[1, 2`,
		"inbox/bad.jsonl":  "{\"ok\":1}\n{\"ok\":2}\n{nope}\n",
		"inbox/empty.csv":  "",
		"inbox/huge.jsonl": `"` + strings.Repeat("x", 800<<10) + "\"\n",
	})
	for _, tt := range []struct {
		key, inputType string
		want           []string
	}{
		{"bad.json", "JSON", []string{"bucket inbox, key bad.json, line 3", "item 1"}},
		{"obj.json", "JSON", []string{"key obj.json", "must hold an array"}},
		{"open.json", "JSON", []string{"key open.json", "not closed"}},
		{"bad.jsonl", "JSONL", []string{"bucket inbox, key bad.jsonl, line 3", "not JSON"}},
		{"empty.csv", "CSV", []string{"key empty.csv, line 1", "no header row"}},
		{"huge.jsonl", "JSONL", []string{"key huge.jsonl, line 1", "over"}},
		{"missing.json", "JSON", []string{"key missing.json"}},
		{"bad.json", "PARQUET", []string{"PARQUET"}},
	} {
		t.Run(tt.key+"/"+tt.inputType, func(t *testing.T) {
			r := events.MapRunReader{Resource: "arn:aws:states:::s3:getObject", Bucket: "inbox", Key: tt.key, InputType: tt.inputType}
			var err error
			cursor := ""
			for i := 0; i < 10 && err == nil; i++ {
				var page events.MapRunPage
				page, err = worker.ReadItems(t.Context(), st, events.MapRunRead{Reader: r, Cursor: cursor, Limit: 1})
				if err == nil && page.Done {
					t.Fatalf("read to the end without an error")
				}
				cursor = page.Cursor
			}
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Fatalf("error %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestMapRunWriter(t *testing.T) {
	st := localStore(t, nil)
	ctx := t.Context()
	body := json.RawMessage(`[{"Status":"SUCCEEDED","Output":"1"},{"Status":"SUCCEEDED","Output":"2"}]`)
	for _, tt := range []struct {
		key   string
		lines bool
		want  string
	}{
		{"p/run/SUCCEEDED_0.json", false, string(body)},
		{"p/run/SUCCEEDED_0.jsonl", true, "{\"Status\":\"SUCCEEDED\",\"Output\":\"1\"}\n{\"Status\":\"SUCCEEDED\",\"Output\":\"2\"}\n"},
	} {
		got, err := worker.WriteResults(ctx, st, events.MapRunWrite{Bucket: "outbox", Key: tt.key, Lines: tt.lines, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		if got.Key != tt.key || got.Size != int64(len(tt.want)) {
			t.Errorf("%s: wrote %+v, want %d bytes", tt.key, got, len(tt.want))
		}
		rc, _, err := st.Get(ctx, "outbox", tt.key)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != tt.want {
			t.Errorf("%s holds %q, want %q", tt.key, b, tt.want)
		}
	}
	if _, err := worker.WriteResults(ctx, st, events.MapRunWrite{Bucket: "outbox", Key: "../escape", Body: body}); err == nil ||
		!strings.Contains(err.Error(), "bucket outbox, key ../escape") {
		t.Errorf("a key out of the store: %v", err)
	}
}

// The handler answers a task as the map run expects: a page, a write, or
// a failure named as Step Functions names it.
func TestMapRunHandler(t *testing.T) {
	st := localStore(t, map[string]string{"inbox/a.json": `[1,2,3]`})
	h := worker.MapRun{Store: st}
	task := func(resource string, payload any) *worker.Task {
		raw, _ := json.Marshal(payload)
		return &worker.Task{Name: "MapRun", WorkflowExecutionId: "mr-1", TaskId: "t", Attempt: 1, Phase: events.PhaseStart,
			Invocation: events.Invocation{Run: 1, Resource: resource, Payload: raw}}
	}
	r := events.MapRunReader{Resource: "arn:aws:states:::s3:getObject", Bucket: "inbox", Key: "a.json", InputType: "JSON"}
	res, err := h.Invoke(context.Background(), task(r.Resource, events.MapRunRead{Reader: r, Limit: 10}))
	page, ok := res.Output.(events.MapRunPage)
	if err != nil || res.Status != events.ResultComplete || !ok || len(page.Items) != 3 || !page.Done {
		t.Fatalf("read: %+v %v", res, err)
	}
	r.Key = "nope.json"
	res, _ = h.Invoke(context.Background(), task(r.Resource, events.MapRunRead{Reader: r, Limit: 10}))
	if res.Status != events.ResultError || res.Error != "States.ItemReaderFailed" || !strings.Contains(res.Cause, "nope.json") {
		t.Fatalf("missing object: %+v", res)
	}
	res, _ = h.Invoke(context.Background(), task("arn:aws:states:::s3:putObject", events.MapRunWrite{Bucket: "outbox", Key: "m.json",
		Body: json.RawMessage(`{}`)}))
	if w, ok := res.Output.(events.MapRunWritten); res.Status != events.ResultComplete || !ok || w.Size != 2 {
		t.Fatalf("write: %+v", res)
	}
}
