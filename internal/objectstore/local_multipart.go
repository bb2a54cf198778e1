package objectstore

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/problem"
)

// Multipart uploads of the local store live under .uploads/<id>/: the
// upload's manifest (upload.json) and one file per part (00001, ...) with
// its sidecar (00001.json: ETag, size). Completing one concatenates the
// parts into a temporary file and moves it into place like a Put; nothing
// is visible under the key before that.

const uploadsDir = ".uploads"

type uploadManifest struct {
	Bucket    string     `json:"bucket"`
	Key       string     `json:"key"`
	Options   PutOptions `json:"options"`
	Initiated time.Time  `json:"initiated"`
}

type partSidecar struct {
	ETag string `json:"etag"`
	Size int64  `json:"size"`
}

// CreateMultipart starts a multipart upload and returns its id.
func (l *Local) CreateMultipart(_ context.Context, bucket, key string, opts PutOptions) (string, error) {
	if err := validate(bucket, key); err != nil {
		return "", err
	}
	if err := validateMetadata(opts.Metadata); err != nil {
		return "", err
	}
	if !l.hasBucket(bucket) {
		return "", &NoSuchBucketError{Bucket: bucket}
	}
	id := randomName() + randomName()
	dir := path.Join(uploadsDir, id)
	if err := l.root.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create multipart upload: %w", err)
	}
	opts.Metadata = lowerKeys(opts.Metadata)
	b, err := json.Marshal(uploadManifest{Bucket: bucket, Key: key, Options: opts, Initiated: time.Now().UTC()})
	if err != nil {
		return "", err
	}
	if err := l.root.WriteFile(path.Join(dir, "upload.json"), b, 0o644); err != nil {
		return "", fmt.Errorf("create multipart upload: %w", err)
	}
	return id, nil
}

// upload reads an upload's manifest, checking it is of bucket/key.
func (l *Local) upload(bucket, key, id string) (uploadManifest, error) {
	var m uploadManifest
	missing := &NoSuchUploadError{Bucket: bucket, Key: key, UploadID: id}
	if id == "" || strings.ContainsAny(id, "/\\.") || len(id) > 64 {
		return m, missing
	}
	b, err := l.root.ReadFile(path.Join(uploadsDir, id, "upload.json"))
	if err != nil {
		return m, missing
	}
	if json.Unmarshal(b, &m) != nil || m.Bucket != bucket || m.Key != key {
		return m, missing
	}
	return m, nil
}

func partName(n int) string { return fmt.Sprintf("%05d", n) }

// UploadPart stores part n (replacing an earlier part n) and returns its
// quoted ETag.
func (l *Local) UploadPart(ctx context.Context, bucket, key, id string, n int, r io.Reader, size int64) (string, error) {
	if err := validate(bucket, key); err != nil {
		return "", err
	}
	if err := ValidatePartNumber(n); err != nil {
		return "", err
	}
	if _, err := l.upload(bucket, key, id); err != nil {
		return "", err
	}
	tmp, sum, err := l.writeTemp(ctx, r, size, path.Join(bucket, key)+" part "+strconv.Itoa(n))
	if err != nil {
		return "", err
	}
	defer l.root.Remove(tmp)
	fi, err := l.root.Stat(tmp)
	if err != nil {
		return "", err
	}
	etag := hex.EncodeToString(sum)
	b, _ := json.Marshal(partSidecar{ETag: etag, Size: fi.Size()})
	dir := path.Join(uploadsDir, id)
	if err := l.root.WriteFile(path.Join(dir, partName(n)+".json.tmp"), b, 0o644); err != nil {
		return "", &NoSuchUploadError{Bucket: bucket, Key: key, UploadID: id} // aborted meanwhile
	}
	if err := l.root.Rename(tmp, path.Join(dir, partName(n))); err != nil {
		return "", fmt.Errorf("upload part %d: %w", n, err)
	}
	if err := l.root.Rename(path.Join(dir, partName(n)+".json.tmp"), path.Join(dir, partName(n)+".json")); err != nil {
		return "", fmt.Errorf("upload part %d: %w", n, err)
	}
	return quoteETag(etag), nil
}

// ListParts returns the upload's parts numbered above marker, at most max
// (1000 when 0), and whether more follow.
func (l *Local) ListParts(_ context.Context, bucket, key, id string, marker, max int) ([]Part, bool, error) {
	if _, err := l.upload(bucket, key, id); err != nil {
		return nil, false, err
	}
	parts, err := l.parts(id)
	if err != nil {
		return nil, false, err
	}
	if max <= 0 || max > DefaultMaxKeys {
		max = DefaultMaxKeys
	}
	var out []Part
	for _, p := range parts {
		if p.Number <= marker {
			continue
		}
		if len(out) == max {
			return out, true, nil
		}
		out = append(out, p)
	}
	return out, false, nil
}

// parts reads every uploaded part, by number.
func (l *Local) parts(id string) ([]Part, error) {
	dir := path.Join(uploadsDir, id)
	entries, err := fs.ReadDir(l.root.FS(), dir)
	if err != nil {
		return nil, fmt.Errorf("list parts: %w", err)
	}
	var out []Part
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		n, err := strconv.Atoi(name)
		if !ok || err != nil {
			continue
		}
		b, err := l.root.ReadFile(path.Join(dir, e.Name()))
		var sc partSidecar
		if err != nil || json.Unmarshal(b, &sc) != nil {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, Part{Number: n, ETag: quoteETag(sc.ETag), Size: sc.Size, Modified: fi.ModTime().UTC()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

// CompleteMultipart assembles the listed parts, in order, into the
// object. The ETag is S3's: the MD5 of the parts' binary MD5s, "-", their
// count. A part missing or of another ETag is a *PartError (InvalidPart),
// parts out of order InvalidPartOrder, one but the last under MinPartSize
// EntityTooSmall.
func (l *Local) CompleteMultipart(ctx context.Context, bucket, key, id string, list []CompletedPart) (Info, error) {
	m, err := l.upload(bucket, key, id)
	if err != nil {
		return Info{}, err
	}
	have, err := l.parts(id)
	if err != nil {
		return Info{}, err
	}
	chosen, etag, err := choose(have, list)
	if err != nil {
		return Info{}, err
	}
	tmp, err := l.concat(ctx, id, chosen, path.Join(bucket, key))
	if err != nil {
		return Info{}, err
	}
	defer l.root.Remove(tmp)
	info, err := l.install(ctx, bucket, key, tmp, etag, m.Options)
	if err != nil {
		return Info{}, err
	}
	_ = l.root.RemoveAll(path.Join(uploadsDir, id))
	return info, nil
}

// choose checks the client's list against the uploaded parts and returns
// them with the multipart ETag.
func choose(have []Part, list []CompletedPart) ([]Part, string, error) {
	if len(list) == 0 {
		return nil, "", fmt.Errorf("%w: a multipart upload needs at least one part", problem.ErrInvalid)
	}
	byNumber := make(map[int]Part, len(have))
	for _, p := range have {
		byNumber[p.Number] = p
	}
	for i, c := range list {
		if i > 0 && c.Number <= list[i-1].Number {
			return nil, "", &PartError{Code: CodeInvalidPartOrder, Part: c.Number, Reason: "parts must be listed in ascending order, each once"}
		}
		if p, ok := byNumber[c.Number]; !ok || !SameETag(p.ETag, c.ETag) {
			return nil, "", &PartError{Code: CodeInvalidPart, Part: c.Number, Reason: "not uploaded, or its ETag is not " + c.ETag}
		}
	}
	sums := md5.New()
	chosen := make([]Part, 0, len(list))
	for i, c := range list {
		p := byNumber[c.Number]
		if i < len(list)-1 && p.Size < MinPartSize {
			return nil, "", &PartError{Code: CodeEntityTooSmall, Part: c.Number,
				Reason: fmt.Sprintf("%d bytes: every part but the last must be at least %d", p.Size, MinPartSize)}
		}
		raw, err := hex.DecodeString(strings.Trim(p.ETag, `"`))
		if err != nil {
			return nil, "", fmt.Errorf("part %d has a malformed ETag %s", p.Number, p.ETag)
		}
		sums.Write(raw)
		chosen = append(chosen, p)
	}
	return chosen, fmt.Sprintf("%s-%d", hex.EncodeToString(sums.Sum(nil)), len(chosen)), nil
}

// concat writes the parts one after the other into a temporary file.
func (l *Local) concat(ctx context.Context, id string, parts []Part, name string) (string, error) {
	readers := make([]io.Reader, 0, len(parts))
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	var total int64
	for _, p := range parts {
		f, err := l.root.Open(path.Join(uploadsDir, id, partName(p.Number)))
		if err != nil {
			return "", fmt.Errorf("complete multipart upload: part %d: %w", p.Number, err)
		}
		closers = append(closers, f)
		readers = append(readers, f)
		total += p.Size
	}
	tmp, _, err := l.writeTemp(ctx, io.MultiReader(readers...), total, name)
	return tmp, err
}

// AbortMultipart discards an upload and its parts.
func (l *Local) AbortMultipart(_ context.Context, bucket, key, id string) error {
	if _, err := l.upload(bucket, key, id); err != nil {
		return err
	}
	if err := l.root.RemoveAll(path.Join(uploadsDir, id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("abort multipart upload: %w", err)
	}
	return nil
}

// abortUploadsOf discards the uploads in progress into a bucket.
func (l *Local) abortUploadsOf(bucket string) {
	entries, err := fs.ReadDir(l.root.FS(), uploadsDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		b, err := l.root.ReadFile(path.Join(uploadsDir, e.Name(), "upload.json"))
		var m uploadManifest
		if err == nil && json.Unmarshal(b, &m) == nil && m.Bucket == bucket {
			_ = l.root.RemoveAll(path.Join(uploadsDir, e.Name()))
		}
	}
}
