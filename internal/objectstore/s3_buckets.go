package objectstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// CreateBucket creates a bucket in the configured region; an existing one
// is a *BucketExistsError.
func (s *S3) CreateBucket(ctx context.Context, bucket string) error {
	if err := ValidateBucket(bucket); err != nil {
		return err
	}
	// In us-east-1 S3 answers a second CreateBucket with 200, for legacy
	// reasons; elsewhere BucketAlreadyOwnedByYou. Both backends say it
	// exists.
	if err := s.HeadBucket(ctx, bucket); err == nil {
		return &BucketExistsError{Bucket: bucket}
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if s.region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraint(s.region)}
	}
	if _, err := s.client.CreateBucket(ctx, in); err != nil {
		return s.fail("create bucket", bucket, "", err)
	}
	return nil
}

// HeadBucket reports whether a bucket exists (*NoSuchBucketError if not).
func (s *S3) HeadBucket(ctx context.Context, bucket string) error {
	if err := ValidateBucket(bucket); err != nil {
		return err
	}
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		err = s.fail("head bucket", bucket, "", err)
		var noKey *NoSuchKeyError
		if errors.As(err, &noKey) { // HeadBucket's 404 has no body to name it
			return fmt.Errorf("head bucket: %w", &NoSuchBucketError{Bucket: bucket})
		}
		return err
	}
	return nil
}

// ListBuckets returns the account's buckets.
func (s *S3) ListBuckets(ctx context.Context) ([]BucketInfo, error) {
	var out []BucketInfo
	pages := s3.NewListBucketsPaginator(s.client, &s3.ListBucketsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, s.fail("list buckets", "", "", err)
		}
		for _, b := range page.Buckets {
			out = append(out, BucketInfo{Name: aws.ToString(b.Name), Created: aws.ToTime(b.CreationDate).UTC()})
		}
	}
	return out, nil
}

// DeleteBucket removes an empty bucket.
func (s *S3) DeleteBucket(ctx context.Context, bucket string) error {
	if err := ValidateBucket(bucket); err != nil {
		return err
	}
	if _, err := s.client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return s.fail("delete bucket", bucket, "", err)
	}
	return nil
}
