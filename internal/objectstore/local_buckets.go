package objectstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// Buckets of the local store are the root's directories whose names are
// valid bucket names (.tmp, .meta and .uploads are not).

// CreateBucket creates a bucket; an existing one is a *BucketExistsError.
func (l *Local) CreateBucket(ctx context.Context, bucket string) error {
	if err := ValidateBucket(bucket); err != nil {
		return err
	}
	if l.hasBucket(bucket) {
		return &BucketExistsError{Bucket: bucket}
	}
	return l.EnsureBucket(ctx, bucket)
}

// HeadBucket reports whether a bucket exists (*NoSuchBucketError if not).
func (l *Local) HeadBucket(_ context.Context, bucket string) error {
	if err := ValidateBucket(bucket); err != nil {
		return err
	}
	if !l.hasBucket(bucket) {
		return &NoSuchBucketError{Bucket: bucket}
	}
	return nil
}

// ListBuckets returns the buckets by name; Created is the directory's
// modification time (a directory has no creation time everywhere).
func (l *Local) ListBuckets(_ context.Context) ([]BucketInfo, error) {
	entries, err := fs.ReadDir(l.root.FS(), ".")
	if err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	var out []BucketInfo
	for _, e := range entries {
		if !e.IsDir() || ValidateBucket(e.Name()) != nil {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, BucketInfo{Name: e.Name(), Created: fi.ModTime().UTC()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// DeleteBucket removes an empty bucket: *NoSuchBucketError if missing,
// *BucketNotEmptyError if it holds an object. Multipart uploads in
// progress for it are aborted.
func (l *Local) DeleteBucket(_ context.Context, bucket string) error {
	if err := ValidateBucket(bucket); err != nil {
		return err
	}
	if !l.hasBucket(bucket) {
		return &NoSuchBucketError{Bucket: bucket}
	}
	empty := true
	err := fs.WalkDir(l.root.FS(), bucket, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			empty = false
			return fs.SkipAll
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete bucket %s: %w", bucket, err)
	}
	if !empty {
		return &BucketNotEmptyError{Bucket: bucket}
	}
	l.abortUploadsOf(bucket)
	for _, dir := range []string{path.Join(metaDir, bucket), bucket} {
		if err := l.root.RemoveAll(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete bucket %s: %w", bucket, err)
		}
	}
	return nil
}
