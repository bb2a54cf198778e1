package objectstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/mie-kafka/mie/internal/problem"
)

// S3Config configures the S3 backend. Credentials come from the standard
// AWS chain (environment, shared config and credentials files, SSO, web
// identity, container and instance roles) unless AccessKeyID is set.
type S3Config struct {
	// Endpoint is the service URL, e.g. http://127.0.0.1:9000 for MinIO;
	// empty means AWS.
	Endpoint string
	// Region; empty takes the chain's (AWS_REGION, shared config), and
	// us-east-1 when that has none.
	Region string
	// PathStyle addresses buckets as <endpoint>/<bucket>/<key> instead of
	// <bucket>.<endpoint>/<key>; MinIO and most S3-compatible servers need it.
	PathStyle bool
	// Static credentials, mainly for tests and MinIO; empty uses the chain.
	AccessKeyID, SecretAccessKey, SessionToken string
	// PartSize is the multipart upload part size in bytes (at least 5 MiB);
	// Concurrency the parts uploaded in parallel. A Put of unknown size
	// buffers up to PartSize*Concurrency bytes.
	PartSize    int64
	Concurrency int
	// MaxAttempts bounds the SDK's attempts per request; 0 keeps its
	// default (3).
	MaxAttempts int
	// HTTPClient overrides the SDK's HTTP client.
	HTTPClient *http.Client
}

const minPartSize = 5 << 20

// withDefaults fills zero values.
func (c S3Config) withDefaults() S3Config {
	if c.PartSize == 0 {
		c.PartSize = 8 << 20
	}
	if c.Concurrency == 0 {
		c.Concurrency = 2
	}
	return c
}

// Validate reports every problem with the configuration.
func (c S3Config) Validate() error {
	var errs []error
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("S3 endpoint %q: want an http(s) URL like http://127.0.0.1:9000", c.Endpoint))
		}
	}
	if (c.AccessKeyID == "") != (c.SecretAccessKey == "") {
		errs = append(errs, errors.New("S3 credentials: set both the access key id and the secret access key, or neither to use the AWS credential chain"))
	}
	if c.PartSize != 0 && c.PartSize < minPartSize {
		errs = append(errs, fmt.Errorf("S3 part size %d: must be at least %d bytes (5 MiB)", c.PartSize, minPartSize))
	}
	if c.Concurrency < 0 {
		errs = append(errs, errors.New("S3 upload concurrency must not be negative"))
	}
	if c.MaxAttempts < 0 {
		errs = append(errs, errors.New("S3 max attempts must not be negative"))
	}
	return errors.Join(errs...)
}

// S3 stores objects in S3 or an S3-compatible server (MinIO). It also
// implements Presigner.
type S3 struct {
	client  *s3.Client
	presign *s3.PresignClient
	upload  *transfermanager.Client
	region  string
}

// NewS3 loads the AWS configuration (standard chain) and builds the
// client. It does not contact the server.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	var opts []func(*config.LoadOptions) error
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("S3: load AWS configuration: %w", err)
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		o.UsePathStyle = cfg.PathStyle
		if cfg.HTTPClient != nil {
			o.HTTPClient = cfg.HTTPClient
		}
		if cfg.MaxAttempts > 0 {
			o.RetryMaxAttempts = cfg.MaxAttempts
		}
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
			// S3-compatible servers differ in which of the newer
			// integrity checksums they accept; send and check them only
			// where the API requires them.
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
	})
	up := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = cfg.PartSize
		o.MultipartUploadThreshold = cfg.PartSize
		o.Concurrency = cfg.Concurrency
		if cfg.Endpoint != "" {
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		}
	})
	return &S3{client: client, presign: s3.NewPresignClient(client), upload: up, region: awsCfg.Region}, nil
}

// EnsureBucket creates the bucket unless it exists and is ours.
func (s *S3) EnsureBucket(ctx context.Context, bucket string) error {
	if err := ValidateBucket(bucket); err != nil {
		return err
	}
	_, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil {
		return nil
	}
	if err = s.fail("create bucket", bucket, "", err); !errors.Is(err, problem.ErrNotFound) {
		return err
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if s.region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraint(s.region)}
	}
	_, err = s.client.CreateBucket(ctx, in)
	var owned *types.BucketAlreadyOwnedByYou
	if err == nil || errors.As(err, &owned) {
		return nil
	}
	return s.fail("create bucket", bucket, "", err)
}

// Put uploads r, in parts when it is larger than one part, so the object
// is never held in memory whole.
func (s *S3) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, contentType string) (Info, error) {
	return s.PutWith(ctx, bucket, key, r, size, PutOptions{ContentType: contentType})
}

// PutWith is Put with user metadata.
func (s *S3) PutWith(ctx context.Context, bucket, key string, r io.Reader, size int64, opts PutOptions) (Info, error) {
	if err := validate(bucket, key); err != nil {
		return Info{}, err
	}
	if err := validateMetadata(opts.Metadata); err != nil {
		return Info{}, err
	}
	in := &transfermanager.UploadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: r,
		Metadata: lowerKeys(opts.Metadata)}
	if opts.ContentType != "" {
		in.ContentType = aws.String(opts.ContentType)
	}
	if size >= 0 {
		in.ContentLength = aws.Int64(size)
	}
	if _, err := s.upload.UploadObject(ctx, in); err != nil {
		return Info{}, s.fail("put", bucket, key, err)
	}
	return s.Stat(ctx, bucket, key)
}

// Get opens an object.
func (s *S3) Get(ctx context.Context, bucket, key string) (io.ReadCloser, Info, error) {
	if err := validate(bucket, key); err != nil {
		return nil, Info{}, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, Info{}, s.fail("get", bucket, key, err)
	}
	return out.Body, Info{
		Bucket: bucket, Key: key,
		Size:        aws.ToInt64(out.ContentLength),
		ContentType: aws.ToString(out.ContentType),
		Modified:    aws.ToTime(out.LastModified).UTC(),
		ETag:        aws.ToString(out.ETag),
		VersionId:   aws.ToString(out.VersionId),
		Metadata:    lowerKeys(out.Metadata),
	}, nil
}

// Stat describes an object.
func (s *S3) Stat(ctx context.Context, bucket, key string) (Info, error) {
	if err := validate(bucket, key); err != nil {
		return Info{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		err = s.fail("stat", bucket, key, err)
		var noKey *NoSuchKeyError
		// HeadObject's 404 has no body to say whether the bucket is missing.
		if errors.As(err, &noKey) {
			if berr := s.HeadBucket(ctx, bucket); berr != nil {
				return Info{}, berr
			}
		}
		return Info{}, err
	}
	return Info{
		Bucket: bucket, Key: key,
		Size:        aws.ToInt64(out.ContentLength),
		ContentType: aws.ToString(out.ContentType),
		Modified:    aws.ToTime(out.LastModified).UTC(),
		ETag:        aws.ToString(out.ETag),
		VersionId:   aws.ToString(out.VersionId),
		Metadata:    lowerKeys(out.Metadata),
	}, nil
}

// Delete removes an object; a missing object or bucket is not an error.
func (s *S3) Delete(ctx context.Context, bucket, key string) error {
	if err := validate(bucket, key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		if err = s.fail("delete", bucket, key, err); errors.Is(err, problem.ErrNotFound) {
			return nil
		}
		return err
	}
	return nil
}

// List returns the objects under prefix, sorted by key (S3 lists in
// UTF-8 byte order). ContentType is empty: S3's listing does not return it.
func (s *S3) List(ctx context.Context, bucket, prefix string) ([]Info, error) {
	if err := ValidateBucket(bucket); err != nil {
		return nil, err
	}
	if err := ValidatePrefix(prefix); err != nil {
		return nil, err
	}
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	var out []Info
	pages := s3.NewListObjectsV2Paginator(s.client, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, s.fail("list", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			out = append(out, listed(bucket, o))
		}
	}
	return out, nil
}

// MaxPresignTTL is the longest validity S3 accepts for a presigned URL.
const MaxPresignTTL = 7 * 24 * time.Hour

// PresignPut returns a URL that accepts one HTTP PUT of the object's bytes
// until ttl passes.
func (s *S3) PresignPut(ctx context.Context, bucket, key string, ttl time.Duration) (string, error) {
	if err := presignArgs(bucket, key, ttl); err != nil {
		return "", err
	}
	req, err := s.presign.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)},
		s3.WithPresignExpires(ttl))
	if err != nil {
		return "", s.fail("presign put", bucket, key, err)
	}
	return req.URL, nil
}

// PresignGet returns a URL that serves the object to HTTP GET until ttl
// passes.
func (s *S3) PresignGet(ctx context.Context, bucket, key string, ttl time.Duration) (string, error) {
	if err := presignArgs(bucket, key, ttl); err != nil {
		return "", err
	}
	req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)},
		s3.WithPresignExpires(ttl))
	if err != nil {
		return "", s.fail("presign get", bucket, key, err)
	}
	return req.URL, nil
}

func presignArgs(bucket, key string, ttl time.Duration) error {
	if err := validate(bucket, key); err != nil {
		return err
	}
	if ttl <= 0 || ttl > MaxPresignTTL {
		return fmt.Errorf("%w: presigned URL lifetime %s: want more than 0 and at most %s", problem.ErrInvalid, ttl, MaxPresignTTL)
	}
	return nil
}

// fail maps an SDK error: a missing bucket or object wraps
// problem.ErrNotFound; an error that never got an answer from the server
// wraps problem.ErrUnavailable.
func (s *S3) fail(op, bucket, key string, err error) error {
	where := bucket
	if key != "" {
		where += "/" + key
	}
	var (
		noBucket *types.NoSuchBucket
		noKey    *types.NoSuchKey
		notFound *types.NotFound
		api      smithy.APIError
		resp     *awshttp.ResponseError
	)
	switch {
	case errors.As(err, &noBucket) || errors.As(err, &api) && api.ErrorCode() == "NoSuchBucket":
		return fmt.Errorf("%s %s: %w", op, where, &NoSuchBucketError{Bucket: bucket})
	case errors.As(err, &api) && api.ErrorCode() == "NoSuchUpload":
		return fmt.Errorf("%s %s: %w", op, where, &NoSuchUploadError{Bucket: bucket, Key: key})
	case errors.As(err, &api) && api.ErrorCode() == "BucketAlreadyOwnedByYou", errors.As(err, &api) && api.ErrorCode() == "BucketAlreadyExists":
		return fmt.Errorf("%s %s: %w", op, where, &BucketExistsError{Bucket: bucket})
	case errors.As(err, &api) && api.ErrorCode() == "BucketNotEmpty":
		return fmt.Errorf("%s %s: %w", op, where, &BucketNotEmptyError{Bucket: bucket})
	case errors.As(err, &api) && partCode(api.ErrorCode()):
		return fmt.Errorf("%s %s: %w", op, where, &PartError{Code: api.ErrorCode(), Reason: api.ErrorMessage()})
	case errors.As(err, &api) && api.ErrorCode() == "InvalidRange":
		return fmt.Errorf("%s %s: %w: %s", op, where, problem.ErrInvalid, api.ErrorMessage())
	case errors.As(err, &noKey) || errors.As(err, &notFound):
		return fmt.Errorf("%s: %w", op, &NoSuchKeyError{Bucket: bucket, Key: key})
	case errors.As(err, &resp) && resp.HTTPStatusCode() == http.StatusNotFound:
		return fmt.Errorf("%s: %w", op, &NoSuchKeyError{Bucket: bucket, Key: key})
	case errors.As(err, &api):
		return fmt.Errorf("%s %s: %w", op, where, err)
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s %s: %w", op, where, err)
	}
	return fmt.Errorf("%s %s: %w: %w", op, where, problem.ErrUnavailable, err)
}

func partCode(code string) bool {
	return code == CodeInvalidPart || code == CodeInvalidPartOrder || code == CodeEntityTooSmall
}
