package objectstore

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"sort"
	"strings"
	"syscall"

	"github.com/mie-kafka/mie/internal/problem"
)

// Local stores objects as files under a root directory: bucket b, key k is
// the file <root>/b/k, and any number of buckets live side by side as the
// root's directories. The root also holds three directories no bucket can
// collide with (bucket names cannot start with '.'):
//
//   - .tmp: objects being written; Put streams to a temporary file there,
//     fsyncs it and renames it into place, so a reader sees the old object
//     or the new one, never a part.
//   - .meta: a JSON sidecar per object (.meta/b/k) keeping its content
//     type, ETag and user metadata. An object without a sidecar (a file put
//     there by hand) gets a type inferred from its extension and its MD5
//     computed on first use.
//   - .uploads: multipart uploads in progress (local_multipart.go).
//
// Every access goes through an os.Root, so nothing outside the root can be
// reached; on top of that a key whose path passes through a symbolic link
// is refused with problem.ErrInvalid, whether the link points inside or
// outside. Buckets are directories, created by the first Put (or by
// EnsureBucket). A key cannot be both an object and a prefix of another
// object's key ("a" and "a/b"), as a file cannot be a directory; such a Put
// fails with problem.ErrConflict.
type Local struct {
	dir  string
	root *os.Root
}

const (
	tmpDir  = ".tmp"
	metaDir = ".meta"
)

// NewLocal opens (creating it if needed) the root directory dir.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errors.New("local object store: no directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("local object store: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("local object store: %w", err)
	}
	for _, d := range []string{tmpDir, metaDir, uploadsDir} {
		if err := root.MkdirAll(d, 0o755); err != nil {
			root.Close()
			return nil, fmt.Errorf("local object store: %w", err)
		}
	}
	return &Local{dir: dir, root: root}, nil
}

// Dir returns the root directory.
func (l *Local) Dir() string { return l.dir }

// Close releases the root directory.
func (l *Local) Close() error { return l.root.Close() }

// EnsureBucket creates the bucket's directory if it does not exist.
func (l *Local) EnsureBucket(_ context.Context, bucket string) error {
	if err := ValidateBucket(bucket); err != nil {
		return err
	}
	if err := l.noLinks(bucket); err != nil {
		return err
	}
	if err := l.root.MkdirAll(bucket, 0o755); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucket, err)
	}
	return nil
}

// sidecar is what the local store keeps of an object besides its bytes.
// ETag is valid for the file of that Size and modification time only: a
// file replaced by hand (or a Put that placed its sidecar but not yet its
// file) gets its ETag computed again.
type sidecar struct {
	ContentType string            `json:"contentType"`
	ETag        string            `json:"etag,omitempty"`
	Size        int64             `json:"size,omitempty"`
	ModifiedNs  int64             `json:"modifiedNs,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
}

// Put streams r to a temporary file, fsyncs it and renames it into place.
func (l *Local) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, contentType string) (Info, error) {
	return l.PutWith(ctx, bucket, key, r, size, PutOptions{ContentType: contentType})
}

// PutWith is Put with user metadata.
func (l *Local) PutWith(ctx context.Context, bucket, key string, r io.Reader, size int64, opts PutOptions) (Info, error) {
	if err := validate(bucket, key); err != nil {
		return Info{}, err
	}
	if err := validateMetadata(opts.Metadata); err != nil {
		return Info{}, err
	}
	name := path.Join(bucket, key)
	if err := l.noLinks(name); err != nil {
		return Info{}, err
	}
	tmp, sum, err := l.writeTemp(ctx, r, size, name)
	if err != nil {
		return Info{}, err
	}
	defer l.root.Remove(tmp) // no-op once renamed
	return l.install(ctx, bucket, key, tmp, hex.EncodeToString(sum), opts)
}

// install moves a complete temporary file into place as bucket/key, with
// its sidecar (content type, ETag, metadata) written first.
func (l *Local) install(ctx context.Context, bucket, key, tmp, etag string, opts PutOptions) (Info, error) {
	name := path.Join(bucket, key)
	// Refuse a key/prefix clash before touching the sidecar.
	if err := l.mkdirs(key, path.Dir(name)); err != nil {
		return Info{}, err
	}
	if fi, err := l.root.Lstat(name); err == nil && fi.IsDir() {
		return Info{}, conflictPrefix(key)
	}
	contentType := opts.ContentType
	if contentType == "" {
		contentType = inferType(key)
	}
	fi, err := l.root.Stat(tmp)
	if err != nil {
		return Info{}, fmt.Errorf("put %s: %w", name, err)
	}
	meta, err := json.Marshal(sidecar{ContentType: contentType, ETag: etag, Size: fi.Size(),
		ModifiedNs: fi.ModTime().UnixNano(), Metadata: lowerKeys(opts.Metadata)})
	if err != nil {
		return Info{}, err
	}
	if err := l.writeFile(key, path.Join(metaDir, name), meta); err != nil {
		return Info{}, err
	}
	if err := l.place(key, tmp, name); err != nil {
		return Info{}, err
	}
	return l.Stat(ctx, bucket, key)
}

// writeTemp copies r into a new file under .tmp and syncs it, checking the
// byte count against size when it is known; it returns the file and the
// MD5 of its bytes.
func (l *Local) writeTemp(ctx context.Context, r io.Reader, size int64, name string) (string, []byte, error) {
	tmp := path.Join(tmpDir, randomName())
	f, err := l.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", nil, fmt.Errorf("put %s: %w", name, err)
	}
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(f, h), ctxReader{ctx: ctx, r: r})
	if err == nil && size >= 0 && n != size {
		err = fmt.Errorf("%w: key %q: body has %d bytes, declared %d", problem.ErrInvalid, name, n, size)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		l.root.Remove(tmp)
		return "", nil, fmt.Errorf("put %s: %w", name, err)
	}
	return tmp, h.Sum(nil), nil
}

// place renames tmp to name, creating parent directories. A concurrent
// Delete may prune a parent between the two steps; that is retried.
func (l *Local) place(key, tmp, name string) error {
	var err error
	for range 3 {
		if err = l.mkdirs(key, path.Dir(name)); err != nil {
			return err
		}
		err = l.root.Rename(tmp, name)
		if err == nil {
			return l.syncDir(path.Dir(name))
		}
		if !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if isDirConflict(err) {
		return conflictPrefix(key)
	}
	return fmt.Errorf("put %s: %w", name, err)
}

// conflictPrefix: key is already the prefix of other objects' keys.
func conflictPrefix(key string) error {
	return fmt.Errorf("%w: key %q: other objects' keys start with %q, so the local store cannot keep an object under it too",
		problem.ErrConflict, key, key+"/")
}

// mkdirs creates the directories of dir, the parent of key's file.
func (l *Local) mkdirs(key, dir string) error {
	err := l.root.MkdirAll(dir, 0o755)
	if err == nil {
		return nil
	}
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: key %q: a leading part of it is an object already, so the local store cannot keep an object under it", problem.ErrConflict, key)
	}
	return fmt.Errorf("create %s: %w", dir, err)
}

func isDirConflict(err error) bool {
	return errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)
}

// writeFile writes small data atomically (sidecars).
func (l *Local) writeFile(key, name string, data []byte) error {
	tmp := path.Join(tmpDir, randomName())
	if err := l.root.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer l.root.Remove(tmp)
	if err := l.mkdirs(key, path.Dir(name)); err != nil {
		return err
	}
	if err := l.root.Rename(tmp, name); err != nil {
		if isDirConflict(err) {
			return conflictPrefix(key)
		}
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

func (l *Local) syncDir(dir string) error {
	d, err := l.root.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// Get opens an object.
func (l *Local) Get(ctx context.Context, bucket, key string) (io.ReadCloser, Info, error) {
	if err := validate(bucket, key); err != nil {
		return nil, Info{}, err
	}
	name := path.Join(bucket, key)
	if err := l.noLinks(name); err != nil {
		return nil, Info{}, err
	}
	f, err := l.root.Open(name)
	if err != nil {
		return nil, Info{}, l.notFound(bucket, key, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Info{}, fmt.Errorf("get %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, Info{}, &NoSuchKeyError{Bucket: bucket, Key: key}
	}
	return f, l.info(bucket, key, fi), nil
}

// Stat describes an object.
func (l *Local) Stat(_ context.Context, bucket, key string) (Info, error) {
	if err := validate(bucket, key); err != nil {
		return Info{}, err
	}
	name := path.Join(bucket, key)
	if err := l.noLinks(name); err != nil {
		return Info{}, err
	}
	fi, err := l.root.Stat(name)
	if err != nil {
		return Info{}, l.notFound(bucket, key, err)
	}
	if !fi.Mode().IsRegular() {
		return Info{}, &NoSuchKeyError{Bucket: bucket, Key: key}
	}
	return l.info(bucket, key, fi), nil
}

func (l *Local) info(bucket, key string, fi fs.FileInfo) Info {
	sc := l.sidecar(bucket, key)
	ct := sc.ContentType
	if ct == "" {
		ct = inferType(key)
	}
	return Info{Bucket: bucket, Key: key, Size: fi.Size(), ContentType: ct, Modified: fi.ModTime().UTC(),
		ETag: quoteETag(l.etag(bucket, key, fi, sc)), Metadata: sc.Metadata}
}

func (l *Local) sidecar(bucket, key string) sidecar {
	var sc sidecar
	if b, err := l.root.ReadFile(path.Join(metaDir, bucket, key)); err == nil {
		_ = json.Unmarshal(b, &sc)
	}
	return sc
}

// etag is the sidecar's ETag when it describes this very file; otherwise
// (a file put there by hand, or replaced) the MD5 of the file, which is
// then kept in the sidecar.
func (l *Local) etag(bucket, key string, fi fs.FileInfo, sc sidecar) string {
	if sc.ETag != "" && sc.Size == fi.Size() && sc.ModifiedNs == fi.ModTime().UnixNano() {
		return sc.ETag
	}
	name := path.Join(bucket, key)
	f, err := l.root.Open(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	if now, err := f.Stat(); err != nil || now.ModTime() != fi.ModTime() || now.Size() != fi.Size() {
		return hex.EncodeToString(h.Sum(nil)) // changed under us: do not record
	}
	sc.ETag, sc.Size, sc.ModifiedNs = hex.EncodeToString(h.Sum(nil)), fi.Size(), fi.ModTime().UnixNano()
	if b, err := json.Marshal(sc); err == nil {
		_ = l.writeFile(key, path.Join(metaDir, name), b)
	}
	return sc.ETag
}

func (l *Local) notFound(bucket, key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return l.missing(bucket, key)
	}
	return fmt.Errorf("%s/%s: %w", bucket, key, err)
}

// missing is the error for an object that is not there: its bucket's, if
// the bucket is missing too.
func (l *Local) missing(bucket, key string) error {
	if !l.hasBucket(bucket) {
		return &NoSuchBucketError{Bucket: bucket}
	}
	return &NoSuchKeyError{Bucket: bucket, Key: key}
}

func (l *Local) hasBucket(bucket string) bool {
	fi, err := l.root.Lstat(bucket)
	return err == nil && fi.IsDir()
}

// Delete removes an object and its sidecar, then prunes directories left
// empty, up to the bucket.
func (l *Local) Delete(_ context.Context, bucket, key string) error {
	if err := validate(bucket, key); err != nil {
		return err
	}
	name := path.Join(bucket, key)
	if err := l.noLinks(name); err != nil {
		return err
	}
	fi, err := l.root.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return nil
	case err != nil:
		return fmt.Errorf("delete %s: %w", name, err)
	case !fi.Mode().IsRegular():
		return nil // a prefix of other objects, not an object
	}
	if err := l.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	if err := l.root.Remove(path.Join(metaDir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	l.prune(bucket, path.Dir(name))
	l.prune(path.Join(metaDir, bucket), path.Dir(path.Join(metaDir, name)))
	return nil
}

// prune removes empty directories from dir up to, not including, stop.
func (l *Local) prune(stop, dir string) {
	for dir != stop && strings.HasPrefix(dir, stop+"/") {
		if l.root.Remove(dir) != nil { // not empty (or gone): stop
			return
		}
		dir = path.Dir(dir)
	}
}

// List returns the objects under prefix, sorted by key. ContentType is
// left empty, as S3's listing does not return it.
func (l *Local) List(_ context.Context, bucket, prefix string) ([]Info, error) {
	if err := ValidateBucket(bucket); err != nil {
		return nil, err
	}
	if err := ValidatePrefix(prefix); err != nil {
		return nil, err
	}
	if !l.hasBucket(bucket) {
		return nil, &NoSuchBucketError{Bucket: bucket}
	}
	// Walk the deepest directory the prefix names in full.
	dir := bucket
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		dir = path.Join(bucket, prefix[:i])
	}
	if err := l.noLinks(dir); err != nil {
		return nil, err
	}
	var out []Info
	err := fs.WalkDir(l.root.FS(), dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipAll // nothing under this prefix
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil // directories are walked; links and others skipped
		}
		key := strings.TrimPrefix(p, bucket+"/")
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // deleted while listing
			}
			return err
		}
		out = append(out, Info{Bucket: bucket, Key: key, Size: fi.Size(), Modified: fi.ModTime().UTC()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s/%s: %w", bucket, prefix, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// noLinks refuses a path any existing component of which is a symbolic
// link. os.Root already stops links leading out of the root; this also
// stops links inside it, so that one object cannot alias another or a
// bucket, and gives a clear error instead of a failed open.
func (l *Local) noLinks(name string) error {
	cur := ""
	for _, seg := range strings.Split(name, "/") {
		cur = path.Join(cur, seg)
		fi, err := l.root.Lstat(cur)
		if err != nil {
			return nil // missing from here on: nothing to follow
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%w: %q passes through a symbolic link (%s), which the local store does not follow", problem.ErrInvalid, name, cur)
		}
	}
	return nil
}

func inferType(key string) string {
	if t := mime.TypeByExtension(path.Ext(key)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func randomName() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ctxReader stops a copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
