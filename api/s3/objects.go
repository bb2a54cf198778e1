package s3

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
)

// objectOperation serves /<bucket>/<key>.
func (s *Server) objectOperation(q *request) error {
	if err := q.unsupportedSubresource(); err != nil {
		return err
	}
	uploadID, multipart := q.query.Get("uploadId"), q.query.Has("uploadId")
	switch q.r.Method {
	case http.MethodPut:
		switch {
		case multipart && q.r.Header.Get("X-Amz-Copy-Source") != "":
			return notImplemented("UploadPartCopy")
		case multipart:
			return s.uploadPart(q, uploadID)
		case q.r.Header.Get("X-Amz-Copy-Source") != "":
			return s.copyObject(q)
		}
		return s.putObject(q)
	case http.MethodGet:
		if multipart {
			return s.listParts(q, uploadID)
		}
		return s.getObject(q, true)
	case http.MethodHead:
		return s.getObject(q, false)
	case http.MethodDelete:
		if multipart {
			return s.abortUpload(q, uploadID)
		}
		return s.deleteObject(q)
	case http.MethodPost:
		switch {
		case q.query.Has("uploads"):
			return s.createUpload(q)
		case multipart:
			return s.completeUpload(q, uploadID)
		}
		return notImplemented("this POST to an object")
	}
	return methodNotAllowed(q.r.Method, "an object")
}

// putOptions reads Content-Type and the x-amz-meta-* headers.
func putOptions(h http.Header) objectstore.PutOptions {
	opts := objectstore.PutOptions{ContentType: h.Get("Content-Type")}
	for name, vals := range h {
		if meta, ok := strings.CutPrefix(strings.ToLower(name), "x-amz-meta-"); ok && meta != "" && len(vals) > 0 {
			if opts.Metadata == nil {
				opts.Metadata = map[string]string{}
			}
			opts.Metadata[meta] = vals[0]
		}
	}
	if opts.ContentType == "" {
		opts.ContentType = "binary/octet-stream" // S3's default
	}
	return opts
}

func (s *Server) putObject(q *request) error {
	b, err := s.body(q)
	if err != nil {
		return err
	}
	info, err := s.cfg.Store.PutWith(q.ctx(), q.bucket, q.key, b, b.size, putOptions(q.r.Header))
	if err != nil {
		return err
	}
	if err := s.notify(q, info, "ObjectCreated:Put"); err != nil {
		return err
	}
	for name, v := range b.checksums() {
		q.w.Header().Set(name, v)
	}
	setVersion(q.w, info)
	q.w.Header().Set("ETag", info.ETag)
	q.w.WriteHeader(http.StatusOK)
	return nil
}

// body reads and checks a PUT's payload against the size limit.
func (s *Server) body(q *request) (*body, error) {
	b, err := readBody(q.r)
	if err != nil {
		return nil, err
	}
	if b.size > s.cfg.MaxObjectSize {
		return nil, &Error{Code: CodeEntityTooLarge, Status: http.StatusBadRequest,
			Message: "Your proposed upload exceeds the maximum allowed size",
			Extra:   map[string]string{"ProposedSize": strconv.FormatInt(b.size, 10), "MaxSizeAllowed": strconv.FormatInt(s.cfg.MaxObjectSize, 10)}}
	}
	return b, nil
}

func setVersion(w http.ResponseWriter, info objectstore.Info) {
	if info.VersionId != "" {
		w.Header().Set("x-amz-version-id", info.VersionId)
	}
}

// notify reports a written object.
func (s *Server) notify(q *request, info objectstore.Info, event string) error {
	if s.cfg.Notifier == nil {
		return nil
	}
	now := time.Now().UTC()
	ev := &events.ObjectCreated{Bucket: q.bucket, Key: q.key, Size: info.Size, ETag: strings.Trim(info.ETag, `"`),
		VersionId: info.VersionId, ContentType: info.ContentType, Event: event, Source: events.ObjectSourceS3,
		RequestId: q.id, SourceIP: clientIP(q.r), Sequencer: fmt.Sprintf("%016X", now.UnixNano()), Time: now}
	if err := s.cfg.Notifier.ObjectCreated(q.ctx(), ev); err != nil {
		return fmt.Errorf("the object is stored but its event could not be recorded: %w", err)
	}
	return nil
}

func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// copySource reads x-amz-copy-source: [/]bucket/key[?versionId=...],
// URL-encoded.
func copySource(v string) (string, string, error) {
	v, query, _ := strings.Cut(strings.TrimPrefix(v, "/"), "?")
	if query != "" && !strings.HasPrefix(query, "versionId=") {
		return "", "", invalidArgument("x-amz-copy-source: unexpected %q", query)
	}
	if strings.HasPrefix(query, "versionId=") && query != "versionId=null" {
		return "", "", notImplemented("copying a version (x-amz-copy-source ?versionId=)")
	}
	dec, err := url.PathUnescape(v)
	if err != nil {
		return "", "", invalidArgument("x-amz-copy-source is not URL-encoded correctly")
	}
	bucket, key, ok := strings.Cut(dec, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
	}
	if err := objectstore.ValidateBucket(bucket); err != nil {
		return "", "", &Error{Code: CodeInvalidBucketName, Status: http.StatusBadRequest, Bucket: bucket,
			Message: "The specified bucket is not valid: " + err.Error()}
	}
	return bucket, key, checkKey(key)
}

func (s *Server) copyObject(q *request) error {
	srcBucket, srcKey, err := copySource(q.r.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return err
	}
	directive := q.r.Header.Get("X-Amz-Metadata-Directive")
	opts := objectstore.CopyOptions{}
	switch directive {
	case "", "COPY":
		if srcBucket == q.bucket && srcKey == q.key {
			return invalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
		}
	case "REPLACE":
		p := putOptions(q.r.Header)
		opts = objectstore.CopyOptions{ReplaceMetadata: true, ContentType: p.ContentType, Metadata: p.Metadata}
	default:
		return invalidArgument("Unknown metadata directive %q: want COPY or REPLACE", directive)
	}
	info, err := s.cfg.Store.Copy(q.ctx(), srcBucket, srcKey, q.bucket, q.key, opts)
	if err != nil {
		return err
	}
	if err := s.notify(q, info, "ObjectCreated:Copy"); err != nil {
		return err
	}
	setVersion(q.w, info)
	writeXML(q.w, http.StatusOK, copyObjectResult{Xmlns: xmlns, LastModified: xmlTime(info.Modified), ETag: info.ETag})
	return nil
}

func (s *Server) deleteObject(q *request) error {
	if err := s.cfg.Store.HeadBucket(q.ctx(), q.bucket); err != nil {
		return err
	}
	if err := s.cfg.Store.Delete(q.ctx(), q.bucket, q.key); err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}

// getObject is GetObject, or HeadObject without the body.
func (s *Server) getObject(q *request, withBody bool) error {
	if q.query.Has("partNumber") {
		return notImplemented("GetObject of one part (partNumber)")
	}
	info, err := s.cfg.Store.Stat(q.ctx(), q.bucket, q.key)
	if err != nil {
		return err
	}
	rng, err := parseRange(q.r.Header.Get("Range"), info.Size)
	if err != nil {
		q.w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(info.Size, 10))
		return err
	}
	if !withBody {
		writeObjectHeaders(q.w, info, rng)
		q.w.WriteHeader(rng.status())
		return nil
	}
	rc, info, err := s.open(q, rng)
	if err != nil {
		return err
	}
	defer rc.Close()
	writeObjectHeaders(q.w, info, rng)
	q.w.WriteHeader(rng.status())
	if _, err := io.Copy(q.w, rc); err != nil {
		s.log.Warn("S3 GetObject: the copy to the client stopped", "bucket", q.bucket, "key", q.key, "err", err)
	}
	return nil
}

func (s *Server) open(q *request, rng byteRange) (io.ReadCloser, objectstore.Info, error) {
	if !rng.set {
		return s.cfg.Store.Get(q.ctx(), q.bucket, q.key)
	}
	return s.cfg.Store.GetRange(q.ctx(), q.bucket, q.key, rng.start, rng.length)
}

func writeObjectHeaders(w http.ResponseWriter, info objectstore.Info, rng byteRange) {
	h := w.Header()
	h.Set("Content-Type", info.ContentType)
	h.Set("ETag", info.ETag)
	h.Set("Last-Modified", info.Modified.UTC().Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	for k, v := range info.Metadata {
		h.Set("x-amz-meta-"+k, v)
	}
	setVersion(w, info)
	if rng.set {
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", rng.start, rng.start+rng.length-1, info.Size))
		h.Set("Content-Length", strconv.FormatInt(rng.length, 10))
	} else {
		h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
	}
}
