package s3

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/mie-kafka/mie/internal/objectstore"
)

func (s *Server) createUpload(q *request) error {
	id, err := s.cfg.Store.CreateMultipart(q.ctx(), q.bucket, q.key, putOptions(q.r.Header))
	if err != nil {
		return err
	}
	writeXML(q.w, http.StatusOK, initiateMultipartUploadResult{Xmlns: xmlns, Bucket: q.bucket, Key: q.key, UploadId: id})
	return nil
}

func partNumber(q *request) (int, error) {
	n, err := strconv.Atoi(q.query.Get("partNumber"))
	if err != nil || objectstore.ValidatePartNumber(n) != nil {
		return 0, invalidArgument("Part number must be an integer between 1 and %d, inclusive", objectstore.MaxPartNumber)
	}
	return n, nil
}

func (s *Server) uploadPart(q *request, id string) error {
	n, err := partNumber(q)
	if err != nil {
		return err
	}
	b, err := s.body(q)
	if err != nil {
		return err
	}
	etag, err := s.cfg.Store.UploadPart(q.ctx(), q.bucket, q.key, id, n, b, b.size)
	if err != nil {
		return err
	}
	for name, v := range b.checksums() {
		q.w.Header().Set(name, v)
	}
	q.w.Header().Set("ETag", etag)
	q.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) completeUpload(q *request, id string) error {
	raw, err := io.ReadAll(io.LimitReader(q.r.Body, 4<<20))
	if err != nil {
		return err
	}
	var req completeMultipartUpload
	if err := xml.Unmarshal(raw, &req); err != nil {
		return malformedXML(err)
	}
	if len(req.Parts) == 0 {
		return malformedXML(errors.New("a CompleteMultipartUpload lists at least one Part"))
	}
	parts := make([]objectstore.CompletedPart, 0, len(req.Parts))
	for _, p := range req.Parts {
		parts = append(parts, objectstore.CompletedPart{Number: p.PartNumber, ETag: p.ETag})
	}
	info, err := s.cfg.Store.CompleteMultipart(q.ctx(), q.bucket, q.key, id, parts)
	if err != nil {
		return err
	}
	if err := s.notify(q, info, "ObjectCreated:CompleteMultipartUpload"); err != nil {
		return err
	}
	setVersion(q.w, info)
	writeXML(q.w, http.StatusOK, completeMultipartUploadResult{Xmlns: xmlns, Location: "/" + q.bucket + "/" + q.key,
		Bucket: q.bucket, Key: q.key, ETag: info.ETag})
	return nil
}

func (s *Server) abortUpload(q *request, id string) error {
	if err := s.cfg.Store.AbortMultipart(q.ctx(), q.bucket, q.key, id); err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listParts(q *request, id string) error {
	marker := 0
	if v := q.query.Get("part-number-marker"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return invalidArgument("part-number-marker must be a non-negative integer")
		}
		marker = n
	}
	max := 1000
	if v := q.query.Get("max-parts"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return invalidArgument("max-parts must be a non-negative integer")
		}
		max = min(max, n)
	}
	parts, more, err := s.cfg.Store.ListParts(q.ctx(), q.bucket, q.key, id, marker, max)
	if err != nil {
		return err
	}
	out := listPartsResult{Xmlns: xmlns, Bucket: q.bucket, Key: q.key, UploadId: id, PartNumberMarker: marker,
		MaxParts: max, IsTruncated: more, StorageClass: "STANDARD", Initiator: theOwner, Owner: theOwner}
	for _, p := range parts {
		out.Parts = append(out.Parts, partItem{PartNumber: p.Number, LastModified: xmlTime(p.Modified), ETag: p.ETag, Size: p.Size})
		out.NextPartNumberMarker = p.Number
	}
	writeXML(q.w, http.StatusOK, out)
	return nil
}
