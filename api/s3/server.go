// Package s3 is mie's S3-compatible endpoint over the engine's object
// store (internal/objectstore: the local directory or S3): path-style
// requests (http://host:port/<bucket>/<key>), the bucket operations
// (CreateBucket, HeadBucket, ListBuckets, DeleteBucket, GetBucketLocation),
// the object operations (PutObject with plain or aws-chunked SigV4
// streaming bodies, GetObject with Range, HeadObject, DeleteObject,
// DeleteObjects, CopyObject), listings (ListObjectsV2 and ListObjects) and
// multipart uploads (Create, UploadPart, Complete, Abort, ListParts), so
// that the AWS CLI, boto3 and the AWS SDKs work against it.
//
// Requests are not authenticated: signed requests are accepted, their
// signatures not checked. Malformed requests are answered with S3's XML
// errors and 4xx statuses; an operation the endpoint does not have is 501
// NotImplemented. Every object written (PutObject, CopyObject,
// CompleteMultipartUpload) is reported to the Notifier before the answer,
// which starts the object-created triggers. docs/s3.md has the details
// and the differences from S3.
package s3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
)

// Store is the object storage the endpoint serves (both objectstore
// backends).
type Store interface {
	Stat(ctx context.Context, bucket, key string) (objectstore.Info, error)
	Get(ctx context.Context, bucket, key string) (io.ReadCloser, objectstore.Info, error)
	GetRange(ctx context.Context, bucket, key string, off, n int64) (io.ReadCloser, objectstore.Info, error)
	PutWith(ctx context.Context, bucket, key string, r io.Reader, size int64, opts objectstore.PutOptions) (objectstore.Info, error)
	Copy(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, opts objectstore.CopyOptions) (objectstore.Info, error)
	Delete(ctx context.Context, bucket, key string) error
	ListPage(ctx context.Context, bucket string, q objectstore.ListQuery) (objectstore.ListPage, error)

	CreateBucket(ctx context.Context, bucket string) error
	HeadBucket(ctx context.Context, bucket string) error
	ListBuckets(ctx context.Context) ([]objectstore.BucketInfo, error)
	DeleteBucket(ctx context.Context, bucket string) error

	CreateMultipart(ctx context.Context, bucket, key string, opts objectstore.PutOptions) (string, error)
	UploadPart(ctx context.Context, bucket, key, id string, n int, r io.Reader, size int64) (string, error)
	ListParts(ctx context.Context, bucket, key, id string, marker, max int) ([]objectstore.Part, bool, error)
	CompleteMultipart(ctx context.Context, bucket, key, id string, parts []objectstore.CompletedPart) (objectstore.Info, error)
	AbortMultipart(ctx context.Context, bucket, key, id string) error
}

// Notifier records an object written through the endpoint (the
// object-created triggers). An error fails the request with 503, so that
// the client retries and no acknowledged write goes unnotified.
type Notifier interface {
	ObjectCreated(ctx context.Context, ev *events.ObjectCreated) error
}

// Config configures the endpoint.
type Config struct {
	Store Store
	// Notifier is told of every object written; nil tells no one.
	Notifier Notifier
	// Region is what GetBucketLocation and HeadBucket answer; default
	// us-east-1.
	Region string
	// MaxObjectSize bounds one PutObject or UploadPart body; default 5 GiB,
	// S3's.
	MaxObjectSize int64
	Logger        *slog.Logger
}

// DefaultMaxObjectSize is S3's limit for one PUT.
const DefaultMaxObjectSize = 5 << 30

// Validate joins every problem.
func (c Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("s3 endpoint: Store is required"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("s3 endpoint: Logger is required"))
	}
	if c.MaxObjectSize < 0 {
		errs = append(errs, errors.New("s3 endpoint: MaxObjectSize must not be negative"))
	}
	return errors.Join(errs...)
}

// Server is the endpoint, an http.Handler.
type Server struct {
	cfg Config
	log *slog.Logger
}

// New validates cfg and applies defaults.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.MaxObjectSize == 0 {
		cfg.MaxObjectSize = DefaultMaxObjectSize
	}
	return &Server{cfg: cfg, log: cfg.Logger.With("component", "s3-endpoint")}, nil
}

// request is one call being served.
type request struct {
	w      http.ResponseWriter
	r      *http.Request
	id     string
	bucket string
	key    string
	query  url.Values
}

func (q *request) ctx() context.Context { return q.r.Context() }

// ServeHTTP routes a path-style request to its operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := &request{w: w, r: r, id: requestID()}
	w.Header().Set("x-amz-request-id", q.id)
	w.Header().Set("x-amz-id-2", q.id)
	w.Header().Set("Server", "mie")
	start := time.Now()
	err := s.route(q)
	if err != nil {
		e := toError(err)
		if e.Status >= 500 {
			s.log.Error("S3 request failed", "method", r.Method, "path", r.URL.Path, "request_id", q.id, "code", e.Code, "err", err)
		} else {
			s.log.Debug("S3 request refused", "method", r.Method, "path", r.URL.Path, "request_id", q.id, "code", e.Code, "err", err)
		}
		writeError(w, r, q.id, e)
		return
	}
	s.log.Debug("S3 request", "method", r.Method, "path", r.URL.Path, "request_id", q.id, "took", time.Since(start))
}

func (s *Server) route(q *request) error {
	if err := q.parsePath(); err != nil {
		return err
	}
	q.query = q.r.URL.Query()
	if q.bucket == "" {
		if q.r.Method != http.MethodGet {
			return methodNotAllowed(q.r.Method, "the service")
		}
		return s.listBuckets(q)
	}
	if q.key == "" {
		return s.bucketOperation(q)
	}
	return s.objectOperation(q)
}

// parsePath splits /<bucket>/<key>, keeping the key's bytes exactly
// (%2F stays part of the key, not a separator).
func (q *request) parsePath() error {
	raw := strings.TrimPrefix(q.r.URL.EscapedPath(), "/")
	rawBucket, rawKey, _ := strings.Cut(raw, "/")
	bucket, err := url.PathUnescape(rawBucket)
	if err != nil {
		return invalidArgument("the bucket in the path is not URL-encoded correctly")
	}
	key, err := url.PathUnescape(rawKey)
	if err != nil {
		return invalidArgument("the key in the path is not URL-encoded correctly")
	}
	q.bucket, q.key = bucket, key
	if bucket != "" {
		if err := objectstore.ValidateBucket(bucket); err != nil {
			return &Error{Code: CodeInvalidBucketName, Status: http.StatusBadRequest, Bucket: bucket,
				Message: "The specified bucket is not valid: " + err.Error()}
		}
	}
	if key != "" {
		return checkKey(key)
	}
	return nil
}

func checkKey(key string) error {
	if len(key) > objectstore.MaxKeyLen {
		return &Error{Code: CodeKeyTooLong, Status: http.StatusBadRequest, Key: key, Message: "Your key is too long"}
	}
	if err := objectstore.ValidateKey(key); err != nil {
		return invalidArgument("this store cannot keep the key: %v", err)
	}
	return nil
}

func methodNotAllowed(method, what string) *Error {
	return &Error{Code: CodeMethodNotAllowed, Status: http.StatusMethodNotAllowed,
		Message: "The specified method " + method + " is not allowed against " + what + "."}
}

func requestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// unsupported are the sub-resources S3 has and this endpoint does not.
var unsupported = []string{"acl", "policy", "policyStatus", "cors", "lifecycle", "notification", "tagging",
	"website", "replication", "logging", "encryption", "object-lock", "versions", "accelerate", "analytics",
	"inventory", "metrics", "intelligent-tiering", "ownershipControls", "publicAccessBlock", "requestPayment",
	"restore", "select", "legal-hold", "retention", "torrent", "attributes", "uploads", "versioning"}

func (q *request) unsupportedSubresource() error {
	for _, sub := range unsupported {
		if q.query.Has(sub) {
			if sub == "versioning" && q.r.Method == http.MethodGet && q.key == "" {
				return nil // answered: never enabled
			}
			if sub == "uploads" && q.key != "" && q.r.Method == http.MethodPost {
				return nil // CreateMultipartUpload
			}
			return notImplemented("the ?" + sub + " sub-resource")
		}
	}
	return nil
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
