package objectstore

import (
	"context"
	"io"
	"strconv"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Multipart uploads pass through to S3's.

// CreateMultipart starts a multipart upload.
func (s *S3) CreateMultipart(ctx context.Context, bucket, key string, opts PutOptions) (string, error) {
	if err := validate(bucket, key); err != nil {
		return "", err
	}
	if err := validateMetadata(opts.Metadata); err != nil {
		return "", err
	}
	in := &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key), Metadata: lowerKeys(opts.Metadata)}
	if opts.ContentType != "" {
		in.ContentType = aws.String(opts.ContentType)
	}
	out, err := s.client.CreateMultipartUpload(ctx, in)
	if err != nil {
		return "", s.fail("create multipart upload", bucket, key, err)
	}
	return aws.ToString(out.UploadId), nil
}

// UploadPart streams part n (size bytes) to S3. The body is sent as
// UNSIGNED-PAYLOAD, so that it need not be read twice (once to sign).
func (s *S3) UploadPart(ctx context.Context, bucket, key, id string, n int, r io.Reader, size int64) (string, error) {
	if err := validate(bucket, key); err != nil {
		return "", err
	}
	if err := ValidatePartNumber(n); err != nil {
		return "", err
	}
	out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key),
		UploadId: aws.String(id), PartNumber: aws.Int32(int32(n)), Body: r, ContentLength: aws.Int64(size)},
		s3.WithAPIOptions(v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware))
	if err != nil {
		return "", s.fail("upload part", bucket, key, err)
	}
	return aws.ToString(out.ETag), nil
}

// ListParts lists an upload's parts numbered above marker.
func (s *S3) ListParts(ctx context.Context, bucket, key, id string, marker, max int) ([]Part, bool, error) {
	if err := validate(bucket, key); err != nil {
		return nil, false, err
	}
	if max <= 0 || max > DefaultMaxKeys {
		max = DefaultMaxKeys
	}
	in := &s3.ListPartsInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(id),
		MaxParts: aws.Int32(int32(max))}
	if marker > 0 {
		in.PartNumberMarker = aws.String(itoa(marker))
	}
	out, err := s.client.ListParts(ctx, in)
	if err != nil {
		return nil, false, s.fail("list parts", bucket, key, err)
	}
	parts := make([]Part, 0, len(out.Parts))
	for _, p := range out.Parts {
		parts = append(parts, Part{Number: int(aws.ToInt32(p.PartNumber)), ETag: aws.ToString(p.ETag),
			Size: aws.ToInt64(p.Size), Modified: aws.ToTime(p.LastModified).UTC()})
	}
	return parts, aws.ToBool(out.IsTruncated), nil
}

// CompleteMultipart assembles the listed parts into the object.
func (s *S3) CompleteMultipart(ctx context.Context, bucket, key, id string, list []CompletedPart) (Info, error) {
	if err := validate(bucket, key); err != nil {
		return Info{}, err
	}
	parts := make([]types.CompletedPart, 0, len(list))
	for _, p := range list {
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(p.Number)), ETag: aws.String(quoteETag(p.ETag))})
	}
	_, err := s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket),
		Key: aws.String(key), UploadId: aws.String(id), MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	if err != nil {
		return Info{}, s.fail("complete multipart upload", bucket, key, err)
	}
	return s.Stat(ctx, bucket, key)
}

// AbortMultipart discards an upload.
func (s *S3) AbortMultipart(ctx context.Context, bucket, key, id string) error {
	if err := validate(bucket, key); err != nil {
		return err
	}
	_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket),
		Key: aws.String(key), UploadId: aws.String(id)})
	if err != nil {
		return s.fail("abort multipart upload", bucket, key, err)
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
