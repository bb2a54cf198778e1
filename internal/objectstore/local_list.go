package objectstore

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/mie-kafka/mie/internal/problem"
)

// ListPage lists one page of a bucket in key order. It walks the
// directories in that order (a directory d sorts as "d/", so the walk
// visits keys exactly as S3 orders them), skipping whole directories
// before the resume point, and stops as soon as the page is full, so a
// page costs what it returns, not the size of the bucket. The token is
// the last key or common prefix returned, encoded.
func (l *Local) ListPage(_ context.Context, bucket string, q ListQuery) (ListPage, error) {
	if err := ValidateBucket(bucket); err != nil {
		return ListPage{}, err
	}
	if err := ValidatePrefix(q.Prefix); err != nil {
		return ListPage{}, err
	}
	if !l.hasBucket(bucket) {
		return ListPage{}, &NoSuchBucketError{Bucket: bucket}
	}
	after := q.StartAfter
	if q.Token != "" {
		t, err := decodeToken(q.Token)
		if err != nil {
			return ListPage{}, err
		}
		after = t
	}
	dir := bucket
	if i := strings.LastIndex(q.Prefix, "/"); i >= 0 {
		dir = path.Join(bucket, q.Prefix[:i])
	}
	if err := l.noLinks(dir); err != nil {
		return ListPage{}, err
	}
	p := &pager{q: q, after: after, max: q.maxKeys()}
	err := l.walkSorted(bucket, dir, p)
	if err != nil && !errors.Is(err, errPageFull) {
		return ListPage{}, fmt.Errorf("list %s/%s: %w", bucket, q.Prefix, err)
	}
	return p.page, nil
}

var errPageFull = errors.New("page full")

// pager collects one page from keys visited in order.
type pager struct {
	q      ListQuery
	after  string
	max    int
	n      int
	lastCP string
	page   ListPage
}

// wants reports whether the walk must enter a directory whose keys all
// start with dirPrefix ("a/b/").
func (p *pager) wants(dirPrefix string) bool {
	if !strings.HasPrefix(dirPrefix, p.q.Prefix) && !strings.HasPrefix(p.q.Prefix, dirPrefix) {
		return false
	}
	// Every key under it is at or before the resume point.
	if p.after > dirPrefix && !strings.HasPrefix(p.after, dirPrefix) {
		return false
	}
	// Already rolled up into the last common prefix.
	return p.lastCP == "" || !strings.HasPrefix(dirPrefix, p.lastCP)
}

// add takes the next key in order; errPageFull stops the walk once the
// page is full and one more item is known to exist.
func (p *pager) add(info Info) error {
	key := info.Key
	if !strings.HasPrefix(key, p.q.Prefix) || key <= p.after {
		return nil
	}
	if p.q.Delimiter != "" {
		rest := key[len(p.q.Prefix):]
		if i := strings.Index(rest, p.q.Delimiter); i >= 0 {
			cp := p.q.Prefix + rest[:i+len(p.q.Delimiter)]
			if cp == p.lastCP || cp == p.after || (cp < p.after && !strings.HasPrefix(p.after, cp)) {
				return nil
			}
			if p.n == p.max {
				p.page.Truncated = true
				return errPageFull
			}
			p.lastCP = cp
			p.page.CommonPrefixes = append(p.page.CommonPrefixes, cp)
			p.n++
			p.page.NextToken = encodeToken(cp)
			return nil
		}
	}
	if p.n == p.max {
		p.page.Truncated = true
		return errPageFull
	}
	p.page.Objects = append(p.page.Objects, info)
	p.n++
	p.page.NextToken = encodeToken(key)
	return nil
}

// walkSorted visits the regular files under dir in key order.
func (l *Local) walkSorted(bucket, dir string, p *pager) error {
	entries, err := fs.ReadDir(l.root.FS(), dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			return nil // nothing under this prefix (or a file where a directory would be)
		}
		return err
	}
	sortName := func(e fs.DirEntry) string {
		if e.IsDir() {
			return e.Name() + "/"
		}
		return e.Name()
	}
	sort.Slice(entries, func(i, j int) bool { return sortName(entries[i]) < sortName(entries[j]) })
	for _, e := range entries {
		full := path.Join(dir, e.Name())
		key := strings.TrimPrefix(full, bucket+"/")
		switch {
		case e.IsDir():
			if !p.wants(key + "/") {
				continue
			}
			if err := l.walkSorted(bucket, full, p); err != nil {
				return err
			}
		case e.Type().IsRegular():
			fi, err := e.Info()
			if err != nil {
				continue // deleted while listing
			}
			if !strings.HasPrefix(key, p.q.Prefix) || key <= p.after {
				continue
			}
			info := Info{Bucket: bucket, Key: key, Size: fi.Size(), Modified: fi.ModTime().UTC(),
				ETag: quoteETag(l.etag(bucket, key, fi, l.sidecar(bucket, key)))}
			if err := p.add(info); err != nil {
				return err
			}
		}
	}
	return nil
}

func encodeToken(after string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + after))
}

func decodeToken(token string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !strings.HasPrefix(string(b), "v1:") {
		return "", fmt.Errorf("%w: continuation token %q was not made by this store", problem.ErrInvalid, token)
	}
	return string(b[3:]), nil
}
