package awss3

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/processors/worker"
)

// getObject returns the object with its Body as a string (Step Functions
// returns text; a body over the payload quota is States.DataLimitExceeded).
func getObject(ctx context.Context, h *Handler, _ *worker.Task, p params) (any, error) {
	if err := p.object(); err != nil {
		return nil, err
	}
	info, err := h.Store.Stat(ctx, p.Bucket, p.Key)
	if err != nil {
		return nil, err
	}
	off, n, ranged, err := parseRange(p.Range, info.Size)
	if err != nil {
		return nil, err
	}
	if n > h.maxBody() {
		return nil, &taskError{name: ErrDataLimit, message: fmt.Sprintf(
			"The object's Body (%d bytes) is larger than the %d-byte payload quota; read it in Ranges", n, h.maxBody())}
	}
	var rc io.ReadCloser
	if ranged {
		rc, info, err = h.Store.GetRange(ctx, p.Bucket, p.Key, off, n)
	} else {
		rc, info, err = h.Store.Get(ctx, p.Bucket, p.Key)
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, n))
	if err != nil {
		return nil, fmt.Errorf("read %s/%s: %w", p.Bucket, p.Key, err)
	}
	out := headResult(info)
	out["Body"] = bodyString(body)
	out["ContentLength"] = int64(len(body))
	if ranged {
		out["ContentRange"] = fmt.Sprintf("bytes %d-%d/%d", off, off+n-1, info.Size)
	}
	return out, nil
}

// bodyString is the Body as text; bytes that are not UTF-8 become U+FFFD,
// as a string of them does in Step Functions' JSON.
func bodyString(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// parseRange resolves "bytes=a-b" (or "a-", "-n") against the size.
func parseRange(r string, size int64) (off, n int64, ranged bool, err error) {
	if r == "" {
		return 0, size, false, nil
	}
	bad := &taskError{name: ErrInvalidRange, message: "The requested range is not satisfiable", status: 416}
	spec, ok := strings.CutPrefix(r, "bytes=")
	first, last, ok2 := strings.Cut(spec, "-")
	if !ok || !ok2 {
		return 0, size, false, nil // S3 ignores a Range it cannot read
	}
	if first == "" {
		k, err := strconv.ParseInt(last, 10, 64)
		if err != nil || k <= 0 || size == 0 {
			return 0, 0, false, bad
		}
		k = min(k, size)
		return size - k, k, true, nil
	}
	a, err := strconv.ParseInt(first, 10, 64)
	if err != nil || a >= size {
		return 0, 0, false, bad
	}
	b := size - 1
	if last != "" {
		if b, err = strconv.ParseInt(last, 10, 64); err != nil || b < a {
			return 0, size, false, nil
		}
		b = min(b, size-1)
	}
	return a, b - a + 1, true, nil
}

// headResult is HeadObject's fields of an object.
func headResult(info objectstore.Info) map[string]any {
	out := map[string]any{
		"AcceptRanges":  "bytes",
		"ContentLength": info.Size,
		"ContentType":   info.ContentType,
		"ETag":          info.ETag,
		"LastModified":  stamp(info.Modified),
		"Metadata":      metadataOf(info.Metadata),
	}
	if info.VersionId != "" {
		out["VersionId"] = info.VersionId
	}
	return out
}

func headObject(ctx context.Context, h *Handler, _ *worker.Task, p params) (any, error) {
	if err := p.object(); err != nil {
		return nil, err
	}
	info, err := h.Store.Stat(ctx, p.Bucket, p.Key)
	if err != nil {
		return nil, err
	}
	return headResult(info), nil
}

// bodyBytes is putObject's Body: a string as its bytes, any other JSON
// value as its JSON text.
func bodyBytes(raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return []byte(s), nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, validation("Body: %v", err)
	}
	return json.Marshal(v)
}

func putObject(ctx context.Context, h *Handler, t *worker.Task, p params) (any, error) {
	if err := p.object(); err != nil {
		return nil, err
	}
	if err := h.Store.HeadBucket(ctx, p.Bucket); err != nil {
		return nil, err
	}
	body, err := bodyBytes(p.Body)
	if err != nil {
		return nil, err
	}
	info, err := h.Store.PutWith(ctx, p.Bucket, p.Key, bytes.NewReader(body), int64(len(body)),
		objectstore.PutOptions{ContentType: p.ContentType, Metadata: p.Metadata})
	if err != nil {
		return nil, err
	}
	if err := h.notify(ctx, t, info, "ObjectCreated:Put"); err != nil {
		return nil, err
	}
	out := map[string]any{"ETag": info.ETag, "ServerSideEncryption": "AES256"}
	if info.VersionId != "" {
		out["VersionId"] = info.VersionId
	}
	return out, nil
}

func copyObject(ctx context.Context, h *Handler, t *worker.Task, p params) (any, error) {
	if err := p.object(); err != nil {
		return nil, err
	}
	if p.CopySource == "" {
		return nil, validation("CopySource is required")
	}
	srcBucket, srcKey, err := copySource(p.CopySource)
	if err != nil {
		return nil, err
	}
	opts := objectstore.CopyOptions{}
	switch p.MetadataDirective {
	case "", "COPY":
		if srcBucket == p.Bucket && srcKey == p.Key {
			return nil, &taskError{name: ErrInvalidRequest, status: 400, message: "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."}
		}
	case "REPLACE":
		opts = objectstore.CopyOptions{ReplaceMetadata: true, ContentType: p.ContentType, Metadata: p.Metadata}
	default:
		return nil, validation("MetadataDirective %q: want COPY or REPLACE", p.MetadataDirective)
	}
	info, err := h.Store.Copy(ctx, srcBucket, srcKey, p.Bucket, p.Key, opts)
	if err != nil {
		return nil, err
	}
	if err := h.notify(ctx, t, info, "ObjectCreated:Copy"); err != nil {
		return nil, err
	}
	out := map[string]any{
		"CopyObjectResult":     map[string]any{"ETag": info.ETag, "LastModified": stamp(info.Modified)},
		"ServerSideEncryption": "AES256",
	}
	if info.VersionId != "" {
		out["VersionId"] = info.VersionId
	}
	return out, nil
}

func deleteObject(ctx context.Context, h *Handler, _ *worker.Task, p params) (any, error) {
	if err := p.object(); err != nil {
		return nil, err
	}
	if err := h.Store.HeadBucket(ctx, p.Bucket); err != nil {
		return nil, err
	}
	if err := h.Store.Delete(ctx, p.Bucket, p.Key); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// notify emits ObjectCreated in the task's transaction, so it commits
// exactly when the Task's result does.
func (h *Handler) notify(ctx context.Context, t *worker.Task, info objectstore.Info, event string) error {
	if h.Topic == "" {
		return nil
	}
	now := time.Now().UTC()
	ev := &events.ObjectCreated{Bucket: info.Bucket, Key: info.Key, Size: info.Size, ETag: strings.Trim(info.ETag, `"`),
		VersionId: info.VersionId, ContentType: info.ContentType, Event: event, Source: events.ObjectSourceTask,
		RequestId: t.TaskId, Sequencer: fmt.Sprintf("%016X", now.UnixNano()), Time: now}
	if err := worker.Emit(ctx, h.Topic, events.ObjectKey(info.Bucket, info.Key), ev); err != nil {
		return fmt.Errorf("record the object's event: %w", err)
	}
	return nil
}
