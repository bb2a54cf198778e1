package worker

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
)

// The ItemReader's formats, as Step Functions reads them:
//
//   - JSON: the object holds one array; each element is an item.
//   - JSONL: each non-empty line is an item.
//   - CSV: each record is an item, an object of the header's names to the
//     record's values, all strings: the header is the first record
//     (FIRST_ROW, the default) or ReaderConfig.CSVHeaders (GIVEN). A record
//     with fewer fields gets "" for the missing ones; extra fields are
//     dropped. CSVDelimiter picks the separator.
//   - listObjectsV2: each object under Prefix is an item,
//     {Etag, Key, LastModified (Unix seconds), Size, StorageClass}.
//
// A page ends at Limit items or about MaxBytes; its cursor is
// "<offset>:<items read>:<line>" into the object (a listing's is the last
// key), so the next page starts where it ended.

// maxItemBytes bounds one item: a page of one must fit a record.
const maxItemBytes = 768 << 10

// ReadItems reads the page of items rd asks for.
func ReadItems(ctx context.Context, store objectstore.Store, rd events.MapRunRead) (events.MapRunPage, error) {
	r := rd.Reader
	p := &pageBuilder{limit: max(rd.Limit, 1), maxBytes: rd.MaxBytes}
	if p.maxBytes <= 0 {
		p.maxBytes = 512 << 10
	}
	p.itemCap = min(max(p.maxBytes, 256<<10), maxItemBytes)
	if r.Resource == resourceList {
		return listPage(ctx, store, r, rd.Cursor, p)
	}
	cur, err := parseCursor(rd.Cursor)
	if err != nil {
		return events.MapRunPage{}, &readError{bucket: r.Bucket, key: r.Key, err: err}
	}
	switch r.InputType {
	case "JSON":
		err = readJSON(ctx, store, r, cur, p)
	case "JSONL":
		err = readJSONL(ctx, store, r, cur, p)
	case "CSV":
		err = readCSV(ctx, store, r, cur, p)
	default:
		err = &readError{bucket: r.Bucket, key: r.Key, err: fmt.Errorf("InputType %q is not one this engine reads (JSON, JSONL, CSV)", r.InputType)}
	}
	if err != nil {
		return events.MapRunPage{}, err
	}
	return p.page(), nil
}

// pageBuilder collects a page's items.
type pageBuilder struct {
	limit, maxBytes, itemCap int
	items                    []json.RawMessage
	bytes                    int
	cursor                   string
	done                     bool
}

// fits reports whether an item of n bytes goes in the page.
func (p *pageBuilder) fits(n int) bool {
	return len(p.items) < p.limit && (len(p.items) == 0 || p.bytes+n <= p.maxBytes)
}

func (p *pageBuilder) full() bool { return len(p.items) >= p.limit || p.bytes >= p.maxBytes }

func (p *pageBuilder) add(raw json.RawMessage) {
	p.items = append(p.items, raw)
	p.bytes += len(raw) + 1
}

func (p *pageBuilder) page() events.MapRunPage {
	if p.items == nil {
		p.items = []json.RawMessage{}
	}
	return events.MapRunPage{Items: p.items, Cursor: p.cursor, Done: p.done}
}

// cursor is where a read of an object goes on.
type cursor struct {
	off  int64
	n    int
	line int
}

func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{line: 1}, nil
	}
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return cursor{}, fmt.Errorf("malformed reader cursor %q", s)
	}
	off, err1 := strconv.ParseInt(parts[0], 10, 64)
	n, err2 := strconv.Atoi(parts[1])
	line, err3 := strconv.Atoi(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil || off < 0 {
		return cursor{}, fmt.Errorf("malformed reader cursor %q", s)
	}
	return cursor{off: off, n: n, line: line}, nil
}

func (c cursor) String() string { return fmt.Sprintf("%d:%d:%d", c.off, c.n, c.line) }

// pagedLister is a store that lists a page at a time (both backends).
type pagedLister interface {
	ListPage(ctx context.Context, bucket string, q objectstore.ListQuery) (objectstore.ListPage, error)
}

// listPage reads a page of a listing: the objects after the cursor's key,
// a page of the store's at a time when it pages.
func listPage(ctx context.Context, store objectstore.Store, r events.MapRunReader, after string, p *pageBuilder) (events.MapRunPage, error) {
	infos, more, err := listAfter(ctx, store, r, after)
	if err != nil {
		return events.MapRunPage{}, fmt.Errorf("bucket %s, prefix %q: %w", r.Bucket, r.Prefix, err)
	}
	p.cursor = after
	i := 0
	for ; i < len(infos); i++ {
		o := infos[i]
		raw, err := json.Marshal(listedObject{Etag: o.ETag, Key: o.Key, LastModified: o.Modified.Unix(), Size: o.Size, StorageClass: "STANDARD"})
		if err != nil {
			return events.MapRunPage{}, err
		}
		if !p.fits(len(raw)) {
			break
		}
		p.add(raw)
		p.cursor = o.Key
	}
	p.done = i == len(infos) && !more
	return p.page(), nil
}

// listAfter lists the objects after key after: one page of the store's
// (more says others follow), or the whole listing from a store that does
// not page.
func listAfter(ctx context.Context, store objectstore.Store, r events.MapRunReader, after string) ([]objectstore.Info, bool, error) {
	if pl, ok := store.(pagedLister); ok {
		page, err := pl.ListPage(ctx, r.Bucket, objectstore.ListQuery{Prefix: r.Prefix, StartAfter: after})
		return page.Objects, page.Truncated, err
	}
	infos, err := store.List(ctx, r.Bucket, r.Prefix)
	if err != nil {
		return nil, false, err
	}
	i := sort.Search(len(infos), func(i int) bool { return infos[i].Key > after })
	return infos[i:], false, nil
}

// listedObject is an item of a listing, as Step Functions writes it. Etag
// is what the store reports, when it reports one.
type listedObject struct {
	Etag         string `json:"Etag,omitempty"`
	Key          string `json:"Key"`
	LastModified int64  `json:"LastModified"`
	Size         int64  `json:"Size"`
	StorageClass string `json:"StorageClass"`
}

// posReader reads an object, counting its offset and lines.
type posReader struct {
	br   *bufio.Reader
	cur  cursor
	rErr func(line int, err error) error
}

func (r *posReader) readByte() (byte, error) {
	b, err := r.br.ReadByte()
	if err == nil {
		r.cur.off++
		if b == '\n' {
			r.cur.line++
		}
	}
	return b, err
}

func (r *posReader) peek() (byte, error) {
	b, err := r.br.Peek(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// skipSpace skips JSON whitespace; io.EOF at the end.
func (r *posReader) skipSpace() error {
	for {
		b, err := r.peek()
		if err != nil {
			return err
		}
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
			return nil
		}
		_, _ = r.readByte()
	}
}

func openPos(ctx context.Context, store objectstore.Store, r events.MapRunReader, cur cursor) (*posReader, io.Closer, error) {
	rc, err := openAt(ctx, store, r.Bucket, r.Key, cur.off)
	if err != nil {
		return nil, nil, &readError{bucket: r.Bucket, key: r.Key, err: err}
	}
	pr := &posReader{br: bufio.NewReaderSize(rc, 64<<10), cur: cur}
	pr.rErr = func(line int, err error) error { return &readError{bucket: r.Bucket, key: r.Key, line: line, err: err} }
	return pr, rc, nil
}

// readJSONL reads the items of a JSON Lines object.
func readJSONL(ctx context.Context, store objectstore.Store, r events.MapRunReader, cur cursor, p *pageBuilder) error {
	pr, c, err := openPos(ctx, store, r, cur)
	if err != nil {
		return err
	}
	defer c.Close()
	for {
		before := pr.cur
		line, err := pr.line(p.itemCap)
		if errors.Is(err, io.EOF) && len(line) == 0 {
			p.done = true
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return pr.rErr(before.line, err)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var v json.RawMessage
		if jerr := json.Unmarshal(line, &v); jerr != nil {
			return pr.rErr(before.line, fmt.Errorf("the line is not JSON: %v", jerr))
		}
		if !p.fits(len(line)) {
			pr.cur = before
			break
		}
		p.add(json.RawMessage(bytes.Clone(line)))
		pr.cur.n++
		if p.full() {
			p.done = pr.onlySpaceLeft()
			break
		}
	}
	p.cursor = pr.cur.String()
	return nil
}

// line reads a line (without its newline), of at most limit bytes.
func (r *posReader) line(limit int) ([]byte, error) {
	var out []byte
	for {
		chunk, err := r.br.ReadSlice('\n')
		out = append(out, chunk...)
		r.cur.off += int64(len(chunk))
		if len(out) > limit {
			return nil, fmt.Errorf("the item is over %d bytes, the most one item may hold", limit)
		}
		switch {
		case err == nil:
			r.cur.line++
			return out[:len(out)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return out, err
		}
	}
}

// onlySpaceLeft reports whether nothing but whitespace follows.
func (r *posReader) onlySpaceLeft() bool {
	for {
		b, err := r.br.Peek(1)
		if err != nil {
			return errors.Is(err, io.EOF)
		}
		if !bytes.ContainsAny(b, " \t\r\n") {
			return false
		}
		_, _ = r.readByte()
	}
}
