package objectstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/mie-kafka/mie/internal/problem"
)

// GetRange opens n bytes of an object from offset off (n < 0: to its
// end), with an HTTP Range request. Info.Size is the whole object's.
func (s *S3) GetRange(ctx context.Context, bucket, key string, off, n int64) (io.ReadCloser, Info, error) {
	if err := validate(bucket, key); err != nil {
		return nil, Info{}, err
	}
	if off < 0 {
		return nil, Info{}, fmt.Errorf("%w: range from byte %d", problem.ErrInvalid, off)
	}
	rng := fmt.Sprintf("bytes=%d-", off)
	if n >= 0 {
		if n == 0 {
			n = 1 // S3 has no empty range; the caller asked for none of it
		}
		rng = fmt.Sprintf("bytes=%d-%d", off, off+n-1)
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Range: aws.String(rng)})
	if err != nil {
		return nil, Info{}, s.fail("get", bucket, key, err)
	}
	size := aws.ToInt64(out.ContentLength)
	if cr := aws.ToString(out.ContentRange); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			fmt.Sscan(cr[i+1:], &size)
		}
	}
	return out.Body, Info{
		Bucket: bucket, Key: key, Size: size,
		ContentType: aws.ToString(out.ContentType),
		Modified:    aws.ToTime(out.LastModified).UTC(),
		ETag:        aws.ToString(out.ETag),
		VersionId:   aws.ToString(out.VersionId),
		Metadata:    lowerKeys(out.Metadata),
	}, nil
}

// Copy copies an object inside S3 (CopyObject: up to 5 GiB, as S3).
func (s *S3) Copy(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, opts CopyOptions) (Info, error) {
	if err := validate(srcBucket, srcKey); err != nil {
		return Info{}, err
	}
	if err := validate(dstBucket, dstKey); err != nil {
		return Info{}, err
	}
	in := &s3.CopyObjectInput{Bucket: aws.String(dstBucket), Key: aws.String(dstKey),
		CopySource: aws.String(CopySource(srcBucket, srcKey))}
	if opts.ReplaceMetadata {
		if err := validateMetadata(opts.Metadata); err != nil {
			return Info{}, err
		}
		in.MetadataDirective = types.MetadataDirectiveReplace
		in.Metadata = lowerKeys(opts.Metadata)
		if opts.ContentType != "" {
			in.ContentType = aws.String(opts.ContentType)
		}
	}
	if _, err := s.client.CopyObject(ctx, in); err != nil {
		e := s.fail("copy", dstBucket, dstKey, err)
		var noKey *NoSuchKeyError
		var noBucket *NoSuchBucketError
		switch {
		case errors.As(e, &noKey): // only the source can be missing a key
			return Info{}, fmt.Errorf("copy: %w", &NoSuchKeyError{Bucket: srcBucket, Key: srcKey})
		case errors.As(e, &noBucket) && s.HeadBucket(ctx, dstBucket) == nil:
			return Info{}, fmt.Errorf("copy: %w", &NoSuchBucketError{Bucket: srcBucket})
		}
		return Info{}, e
	}
	return s.Stat(ctx, dstBucket, dstKey)
}

// CopySource is S3's x-amz-copy-source of an object: bucket/key, the key
// URL-encoded but for its slashes.
func CopySource(bucket, key string) string {
	return bucket + "/" + strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
}

// ListPage lists one page (ListObjectsV2); the token is S3's.
func (s *S3) ListPage(ctx context.Context, bucket string, q ListQuery) (ListPage, error) {
	if err := ValidateBucket(bucket); err != nil {
		return ListPage{}, err
	}
	if err := ValidatePrefix(q.Prefix); err != nil {
		return ListPage{}, err
	}
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(int32(q.maxKeys()))}
	for field, v := range map[**string]string{&in.Prefix: q.Prefix, &in.Delimiter: q.Delimiter,
		&in.StartAfter: q.StartAfter, &in.ContinuationToken: q.Token} {
		if v != "" {
			*field = aws.String(v)
		}
	}
	out, err := s.client.ListObjectsV2(ctx, in)
	if err != nil {
		return ListPage{}, s.fail("list", bucket, q.Prefix, err)
	}
	page := ListPage{Truncated: aws.ToBool(out.IsTruncated), NextToken: aws.ToString(out.NextContinuationToken)}
	for _, o := range out.Contents {
		page.Objects = append(page.Objects, listed(bucket, o))
	}
	for _, p := range out.CommonPrefixes {
		page.CommonPrefixes = append(page.CommonPrefixes, aws.ToString(p.Prefix))
	}
	return page, nil
}

func listed(bucket string, o types.Object) Info {
	return Info{Bucket: bucket, Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size),
		Modified: aws.ToTime(o.LastModified).UTC(), ETag: aws.ToString(o.ETag)}
}
