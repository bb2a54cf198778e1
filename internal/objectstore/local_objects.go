package objectstore

import (
	"context"
	"fmt"
	"io"
	"path"

	"github.com/mie-kafka/mie/internal/problem"
)

// GetRange opens n bytes of an object from offset off (n < 0: to its
// end). Info describes the whole object. A range past the end is
// problem.ErrInvalid; the caller resolves HTTP ranges against Stat first.
func (l *Local) GetRange(ctx context.Context, bucket, key string, off, n int64) (io.ReadCloser, Info, error) {
	rc, info, err := l.Get(ctx, bucket, key)
	if err != nil {
		return nil, Info{}, err
	}
	if off < 0 || off > info.Size || (off == info.Size && info.Size > 0) {
		rc.Close()
		return nil, Info{}, fmt.Errorf("%w: range from byte %d of a %d-byte object", problem.ErrInvalid, off, info.Size)
	}
	f := rc.(interface {
		io.ReadCloser
		io.Seeker
	})
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		f.Close()
		return nil, Info{}, fmt.Errorf("get %s/%s: %w", bucket, key, err)
	}
	if n < 0 || off+n > info.Size {
		n = info.Size - off
	}
	return readCloser{Reader: io.LimitReader(f, n), Closer: f}, info, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// Copy copies an object, streaming it; the source may be the destination
// (to change its metadata).
func (l *Local) Copy(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, opts CopyOptions) (Info, error) {
	if err := validate(dstBucket, dstKey); err != nil {
		return Info{}, err
	}
	rc, src, err := l.Get(ctx, srcBucket, srcKey)
	if err != nil {
		return Info{}, err
	}
	defer rc.Close()
	if !l.hasBucket(dstBucket) {
		return Info{}, &NoSuchBucketError{Bucket: dstBucket}
	}
	put := PutOptions{ContentType: src.ContentType, Metadata: src.Metadata}
	if opts.ReplaceMetadata {
		put = PutOptions{ContentType: opts.ContentType, Metadata: opts.Metadata}
	}
	name := path.Join(dstBucket, dstKey)
	if err := l.noLinks(name); err != nil {
		return Info{}, err
	}
	tmp, _, err := l.writeTemp(ctx, rc, src.Size, name)
	if err != nil {
		return Info{}, err
	}
	defer l.root.Remove(tmp)
	// The bytes are the source's, so is the ETag (a multipart source's
	// too, where S3 would compute a new one).
	return l.install(ctx, dstBucket, dstKey, tmp, trimQuotes(src.ETag), put)
}

func trimQuotes(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}
