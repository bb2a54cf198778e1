// Package awss3 is the built-in worker of Step Functions' aws-sdk:s3
// integrations (arn:aws:states:::aws-sdk:s3:<action>, worker
// builtin:aws.s3): getObject, putObject, copyObject, headObject,
// deleteObject, listObjectsV2, createBucket, deleteBucket and listBuckets,
// on the engine's object store. Parameters and results have the SDK's
// field names (Bucket, Key, Body, ETag, ContentLength, Contents, ...);
// errors are named as Step Functions names SDK errors, S3.<Code>Exception
// (S3.NoSuchKeyException, S3.NoSuchBucketException, ...), so a machine's
// Retry and Catch take them like on AWS.
package awss3

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/functions"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/processors/worker"
)

// Service is the name of the service in the resource (aws-sdk:s3:...).
const Service = "s3"

// Name is the built-in's name (--operators), builtin:aws.s3.
var Name = functions.ServiceWorker(Service)

// Store is the object storage the integrations act on.
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
}

// Notify records an object a Task wrote (the object-created triggers).
// The worker's default emits it to Topic in the task's transaction.
type Notify func(ctx context.Context, ev *events.ObjectCreated) error

// Handler runs the integrations; it is a worker.Function.
type Handler struct {
	Store Store
	// Topic is the objects topic ObjectCreated goes to (worker.Emit, in
	// the task's transaction); empty emits nothing.
	Topic string
	// Region is what the results and events name; default us-east-1.
	Region string
	// MaxBody bounds the Body getObject returns (Step Functions' payload
	// quota is 256 KiB); default 256 KiB.
	MaxBody int64
}

// DefaultMaxBody is Step Functions' payload quota.
const DefaultMaxBody = 256 << 10

var _ worker.Function = (*Handler)(nil)

// action is one integration: its parameters in, its result out.
type action func(ctx context.Context, h *Handler, t *worker.Task, p params) (any, error)

var actions = map[string]action{
	"getObject":     getObject,
	"putObject":     putObject,
	"copyObject":    copyObject,
	"headObject":    headObject,
	"deleteObject":  deleteObject,
	"listObjectsV2": listObjectsV2,
	"createBucket":  createBucket,
	"deleteBucket":  deleteBucket,
	"listBuckets":   listBuckets,
}

// Actions lists the integrations, sorted.
func Actions() []string {
	out := make([]string, 0, len(actions))
	for a := range actions {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Start refuses MIE operator tasks: this worker runs SDK integrations.
func (h *Handler) Start(_ context.Context, t *worker.Task) (worker.Result, error) {
	return worker.Failed(ErrRuntime, fmt.Sprintf("%s runs aws-sdk:s3 Task states, not MIE operators (task %s)", Name, t.Name)), nil
}

// Invoke runs the integration the task's Resource names.
func (h *Handler) Invoke(ctx context.Context, t *worker.Task) (worker.Result, error) {
	svc, name, suffix, ok := functions.Service(t.Resource)
	if !ok || svc != Service {
		return worker.Failed(ErrRuntime, fmt.Sprintf("resource %q is not an aws-sdk:s3 integration", t.Resource)), nil
	}
	if suffix != "" {
		return worker.Failed(ErrRuntime, fmt.Sprintf("aws-sdk:s3:%s has no %s pattern: S3 actions are request-response", name, suffix)), nil
	}
	act, ok := actions[name]
	if !ok {
		return worker.Failed(ErrRuntime, fmt.Sprintf("aws-sdk:s3:%s is not one of the S3 integrations mie runs (%s)", name, strings.Join(Actions(), ", "))), nil
	}
	var p params
	if len(t.Payload) > 0 {
		if err := json.Unmarshal(t.Payload, &p); err != nil {
			return fail(validation("the parameters are not an object of S3's fields: %v", err)), nil
		}
	}
	out, err := act(ctx, h, t, p)
	if err != nil {
		return fail(err), nil
	}
	return worker.Returned(out), nil
}

func (h *Handler) region() string {
	if h.Region == "" {
		return "us-east-1"
	}
	return h.Region
}

func (h *Handler) maxBody() int64 {
	if h.MaxBody <= 0 {
		return DefaultMaxBody
	}
	return h.MaxBody
}
