package worker

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
)

// readJSON reads the elements of the array a JSON object holds. The
// cursor is just after the last element read, so a page starts at its
// separator.
func readJSON(ctx context.Context, store objectstore.Store, r events.MapRunReader, cur cursor, p *pageBuilder) error {
	pr, c, err := openPos(ctx, store, r, cur)
	if err != nil {
		return err
	}
	defer c.Close()
	first := cur.off == 0
	if first {
		if err := pr.skipSpace(); err != nil {
			return pr.rErr(pr.cur.line, errors.New("the object is empty: a JSON file must hold an array"))
		}
		if b, _ := pr.readByte(); b != '[' {
			return pr.rErr(pr.cur.line, fmt.Errorf("a JSON file must hold an array, not a value starting with %q", b))
		}
	}
	for {
		before := pr.cur
		if err := pr.skipSpace(); err != nil {
			return pr.rErr(pr.cur.line, errors.New("the array is not closed: the file ends before its ']'"))
		}
		if b, _ := pr.peek(); b == ']' {
			p.done = true
			break
		}
		if !first {
			if b, _ := pr.readByte(); b != ',' {
				return pr.rErr(pr.cur.line, fmt.Errorf("invalid character %q after item %d: want ',' or ']'", b, pr.cur.n))
			}
			if err := pr.skipSpace(); err != nil {
				return pr.rErr(pr.cur.line, errors.New("the array is not closed: the file ends after a ','"))
			}
		}
		line := pr.cur.line
		raw, err := pr.value(p.itemCap)
		if err != nil {
			return pr.rErr(line, fmt.Errorf("item %d: %w", pr.cur.n, err))
		}
		if !p.fits(len(raw)) {
			pr.cur = before
			break
		}
		first = false
		p.add(raw)
		pr.cur.n++
		if p.full() {
			break
		}
	}
	p.cursor = pr.cur.String()
	return nil
}

// value reads one JSON value of at most limit bytes and checks it.
func (r *posReader) value(limit int) (json.RawMessage, error) {
	var buf bytes.Buffer
	depth, inString, escaped := 0, false, false
	for {
		b, err := r.peek()
		if err != nil {
			if depth == 0 && !inString && buf.Len() > 0 {
				break // a scalar at the end of a (malformed) file: checked below
			}
			return nil, errors.New("the file ends inside an item")
		}
		if depth == 0 && !inString && buf.Len() > 0 && (b == ',' || b == ']' || b == ' ' || b == '\t' || b == '\n' || b == '\r') {
			break
		}
		_, _ = r.readByte()
		buf.WriteByte(b)
		if buf.Len() > limit {
			return nil, fmt.Errorf("the item is over %d bytes, the most one item may hold", limit)
		}
		switch {
		case inString && escaped:
			escaped = false
		case inString && b == '\\':
			escaped = true
		case b == '"':
			inString = !inString
		case inString:
		case b == '{' || b == '[':
			depth++
		case b == '}' || b == ']':
			depth--
		}
		if depth == 0 && !inString && (b == '}' || b == ']' || (b == '"' && buf.Len() > 1)) {
			break
		}
	}
	var v json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	return json.RawMessage(buf.Bytes()), nil
}

// csvDelimiters are CSVDelimiter's separators.
var csvDelimiters = map[string]rune{"": ',', "COMMA": ',', "PIPE": '|', "SEMICOLON": ';', "SPACE": ' ', "TAB": '\t'}

// readCSV reads the records of a text-delimited object.
func readCSV(ctx context.Context, store objectstore.Store, r events.MapRunReader, cur cursor, p *pageBuilder) error {
	headers := r.CSVHeaders
	if r.CSVHeaderLocation != "GIVEN" {
		var err error
		if headers, cur, err = csvHeader(ctx, store, r, cur); err != nil {
			return err
		}
	}
	if len(headers) == 0 {
		return &readError{bucket: r.Bucket, key: r.Key, err: errors.New("no CSV header: CSVHeaderLocation GIVEN needs CSVHeaders")}
	}
	rc, err := openAt(ctx, store, r.Bucket, r.Key, cur.off)
	if err != nil {
		return &readError{bucket: r.Bucket, key: r.Key, err: err}
	}
	defer rc.Close()
	lines := &lineCounter{r: rc, pos: cur.off}
	cr := newCSVReader(lines, r.CSVDelimiter)
	lineAt := func(off int64) int { return cur.line + lines.before(off) }
	for {
		before := cur.off + cr.InputOffset()
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			p.done = true
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := lineAt(before)
			if errors.As(err, &pe) {
				line, err = cur.line+pe.StartLine-1, pe.Err
			}
			return &readError{bucket: r.Bucket, key: r.Key, line: line, err: err}
		}
		raw := csvObject(headers, rec)
		if len(raw) > p.itemCap {
			return &readError{bucket: r.Bucket, key: r.Key, line: lineAt(before),
				err: fmt.Errorf("the record is over %d bytes, the most one item may hold", p.itemCap)}
		}
		if !p.fits(len(raw)) {
			p.cursor = cursor{off: before, n: cur.n + len(p.items), line: lineAt(before)}.String()
			return nil
		}
		p.add(raw)
		if p.full() {
			break
		}
	}
	end := cur.off + cr.InputOffset()
	p.cursor = cursor{off: end, n: cur.n + len(p.items), line: lineAt(end)}.String()
	return nil
}

func newCSVReader(r io.Reader, delimiter string) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = csvDelimiters[delimiter]
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	return cr
}

// csvHeader reads the header of a FIRST_ROW file; at the start, the
// cursor moves past it.
func csvHeader(ctx context.Context, store objectstore.Store, r events.MapRunReader, cur cursor) ([]string, cursor, error) {
	rc, err := openAt(ctx, store, r.Bucket, r.Key, 0)
	if err != nil {
		return nil, cur, &readError{bucket: r.Bucket, key: r.Key, err: err}
	}
	defer rc.Close()
	lines := &lineCounter{r: rc}
	cr := newCSVReader(lines, r.CSVDelimiter)
	headers, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, cur, &readError{bucket: r.Bucket, key: r.Key, line: 1, err: errors.New("the file is empty: it has no header row")}
	}
	if err != nil {
		return nil, cur, &readError{bucket: r.Bucket, key: r.Key, line: 1, err: fmt.Errorf("the header row: %w", err)}
	}
	if len(headers) > 0 {
		headers[0] = strings.TrimPrefix(headers[0], "\ufeff")
	}
	if cur.off == 0 {
		end := cr.InputOffset()
		cur = cursor{off: end, line: 1 + lines.before(end)}
	}
	return headers, cur, nil
}

// csvObject is a record as an item: the headers' names to its values, in
// the header's order (a name that repeats keeps its first column).
func csvObject(headers, rec []string) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	seen := make(map[string]bool, len(headers))
	for i, h := range headers {
		if seen[h] {
			continue
		}
		seen[h] = true
		v := ""
		if i < len(rec) {
			v = rec[i]
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(h)
		s, _ := json.Marshal(v)
		b.Write(k)
		b.WriteByte(':')
		b.Write(s)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// lineCounter remembers where the newlines it passes on are, so that the
// line of an offset its reader consumed is known although the reader
// reads ahead.
type lineCounter struct {
	r   io.Reader
	pos int64
	nl  []int64
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			c.nl = append(c.nl, c.pos+int64(i))
		}
	}
	c.pos += int64(n)
	return n, err
}

// before counts the newlines before offset off.
func (c *lineCounter) before(off int64) int {
	return sort.Search(len(c.nl), func(i int) bool { return c.nl[i] >= off })
}
