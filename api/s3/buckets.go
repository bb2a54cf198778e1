package s3

import (
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/internal/objectstore"
)

func (s *Server) listBuckets(q *request) error {
	list, err := s.cfg.Store.ListBuckets(q.ctx())
	if err != nil {
		return err
	}
	out := listAllMyBucketsResult{Xmlns: xmlns, Owner: theOwner, Buckets: []bucketItem{}}
	for _, b := range list {
		out.Buckets = append(out.Buckets, bucketItem{Name: b.Name, CreationDate: xmlTime(b.Created)})
	}
	writeXML(q.w, http.StatusOK, out)
	return nil
}

// bucketOperation serves /<bucket>.
func (s *Server) bucketOperation(q *request) error {
	if err := q.unsupportedSubresource(); err != nil {
		return err
	}
	switch q.r.Method {
	case http.MethodPut:
		return s.createBucket(q)
	case http.MethodHead:
		if err := s.cfg.Store.HeadBucket(q.ctx(), q.bucket); err != nil {
			return err
		}
		q.w.Header().Set("x-amz-bucket-region", s.cfg.Region)
		q.w.WriteHeader(http.StatusOK)
		return nil
	case http.MethodDelete:
		if err := s.cfg.Store.DeleteBucket(q.ctx(), q.bucket); err != nil {
			return err
		}
		q.w.WriteHeader(http.StatusNoContent)
		return nil
	case http.MethodPost:
		if q.query.Has("delete") {
			return s.deleteObjects(q)
		}
		return notImplemented("POST to a bucket (browser form uploads)")
	case http.MethodGet:
		return s.bucketGet(q)
	}
	return methodNotAllowed(q.r.Method, "a bucket")
}

func (s *Server) bucketGet(q *request) error {
	if err := s.cfg.Store.HeadBucket(q.ctx(), q.bucket); err != nil {
		return err
	}
	switch {
	case q.query.Has("location"):
		region := s.cfg.Region
		if region == "us-east-1" {
			region = "" // S3 answers us-east-1 with an empty constraint
		}
		writeXML(q.w, http.StatusOK, locationConstraint{Xmlns: xmlns, Region: region})
		return nil
	case q.query.Has("versioning"):
		writeXML(q.w, http.StatusOK, versioningConfiguration{Xmlns: xmlns})
		return nil
	case q.query.Get("list-type") == "2":
		return s.listObjects(q, 2)
	case q.query.Has("list-type"):
		return invalidArgument("list-type %q: want 2, or none for ListObjects", q.query.Get("list-type"))
	}
	return s.listObjects(q, 1)
}

func (s *Server) createBucket(q *request) error {
	raw, err := io.ReadAll(io.LimitReader(q.r.Body, 64<<10))
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(raw))) > 0 {
		var cfg createBucketConfiguration
		if err := xml.Unmarshal(raw, &cfg); err != nil {
			return malformedXML(err)
		}
	}
	if err := s.cfg.Store.CreateBucket(q.ctx(), q.bucket); err != nil {
		return err
	}
	q.w.Header().Set("Location", "/"+q.bucket)
	q.w.WriteHeader(http.StatusOK)
	return nil
}

// listObjects is ListObjectsV2 (version 2) or ListObjects (1).
func (s *Server) listObjects(q *request, version int) error {
	lq, err := listQuery(q, version)
	if err != nil {
		return err
	}
	page, err := s.cfg.Store.ListPage(q.ctx(), q.bucket, lq)
	if err != nil {
		return err
	}
	enc := q.query.Get("encoding-type")
	if enc != "" && enc != "url" {
		return invalidArgument("Invalid Encoding Method specified in Request")
	}
	code := func(v string) string {
		if enc == "url" {
			return strings.ReplaceAll(urlQueryEscape(v), "+", "%20")
		}
		return v
	}
	out := listBucketResult{Xmlns: xmlns, Name: q.bucket, Prefix: code(lq.Prefix), MaxKeys: maxKeysOf(q),
		Delimiter: code(lq.Delimiter), EncodingType: enc, IsTruncated: page.Truncated,
		Contents: []contents{}, CommonPrefixes: []commonPrefix{}}
	for _, o := range page.Objects {
		c := contents{Key: code(o.Key), LastModified: xmlTime(o.Modified), ETag: o.ETag, Size: o.Size, StorageClass: "STANDARD"}
		if version == 1 || q.query.Get("fetch-owner") == "true" {
			c.Owner = &theOwner
		}
		out.Contents = append(out.Contents, c)
	}
	for _, p := range page.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{Prefix: code(p)})
	}
	if version == 2 {
		n := len(page.Objects) + len(page.CommonPrefixes)
		out.KeyCount = &n
		out.ContinuationToken = q.query.Get("continuation-token")
		out.StartAfter = code(q.query.Get("start-after"))
		if page.Truncated {
			out.NextContinuationToken = page.NextToken
		}
	} else {
		marker := code(q.query.Get("marker"))
		out.Marker = &marker
		if page.Truncated && lq.Delimiter != "" {
			out.NextMarker = code(lastListed(page))
		}
	}
	writeXML(q.w, http.StatusOK, out)
	return nil
}

// listQuery reads a listing's parameters. ListObjects' marker is a key to
// start after; the store's token is only for ListObjectsV2.
func listQuery(q *request, version int) (objectstore.ListQuery, error) {
	lq := objectstore.ListQuery{Prefix: q.query.Get("prefix"), Delimiter: q.query.Get("delimiter"), MaxKeys: maxKeysOf(q)}
	if v := q.query.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return lq, invalidArgument("Provided max-keys not an integer or within integer range")
		}
	}
	if lq.Prefix != "" {
		if err := objectstore.ValidatePrefix(lq.Prefix); err != nil {
			return lq, invalidArgument("this store cannot list the prefix: %v", err)
		}
	}
	if version == 2 {
		lq.StartAfter, lq.Token = q.query.Get("start-after"), q.query.Get("continuation-token")
	} else {
		lq.StartAfter = q.query.Get("marker")
	}
	return lq, nil
}

func maxKeysOf(q *request) int {
	n, err := strconv.Atoi(q.query.Get("max-keys"))
	if err != nil || n <= 0 || n > objectstore.DefaultMaxKeys {
		return objectstore.DefaultMaxKeys
	}
	return n
}

// lastListed is the last key or common prefix of a page, ListObjects'
// NextMarker.
func lastListed(p objectstore.ListPage) string {
	last := ""
	if n := len(p.Objects); n > 0 {
		last = p.Objects[n-1].Key
	}
	if n := len(p.CommonPrefixes); n > 0 && p.CommonPrefixes[n-1] > last {
		last = p.CommonPrefixes[n-1]
	}
	return last
}

// deleteObjects is DeleteObjects: up to 1000 keys in one request.
func (s *Server) deleteObjects(q *request) error {
	raw, err := io.ReadAll(io.LimitReader(q.r.Body, 2<<20))
	if err != nil {
		return err
	}
	var req deleteRequest
	if err := xml.Unmarshal(raw, &req); err != nil {
		return malformedXML(err)
	}
	if len(req.Objects) == 0 || len(req.Objects) > 1000 {
		return malformedXML(errBadCount(len(req.Objects)))
	}
	if err := s.cfg.Store.HeadBucket(q.ctx(), q.bucket); err != nil {
		return err
	}
	out := deleteResult{Xmlns: xmlns}
	for _, o := range req.Objects {
		err := checkKey(o.Key)
		if err == nil {
			err = s.cfg.Store.Delete(q.ctx(), q.bucket, o.Key)
		}
		if err != nil {
			e := toError(err)
			out.Errors = append(out.Errors, deleteFailed{Key: o.Key, Code: e.Code, Message: e.Message})
			continue
		}
		if !req.Quiet {
			out.Deleted = append(out.Deleted, deletedItem{Key: o.Key})
		}
	}
	writeXML(q.w, http.StatusOK, out)
	return nil
}

type errBadCount int

func (n errBadCount) Error() string {
	return "a Delete names 1 to 1000 objects, this one " + strconv.Itoa(int(n))
}
