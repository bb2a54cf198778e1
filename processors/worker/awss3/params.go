package awss3

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/mie-kafka/mie/internal/objectstore"
)

// params are the S3 API's request fields the integrations read, by the
// SDK's names.
type params struct {
	Bucket            string            `json:"Bucket"`
	Key               string            `json:"Key"`
	Body              json.RawMessage   `json:"Body"`
	ContentType       string            `json:"ContentType"`
	Metadata          map[string]string `json:"Metadata"`
	CopySource        string            `json:"CopySource"`
	MetadataDirective string            `json:"MetadataDirective"`
	Range             string            `json:"Range"`
	Prefix            string            `json:"Prefix"`
	Delimiter         string            `json:"Delimiter"`
	StartAfter        string            `json:"StartAfter"`
	ContinuationToken string            `json:"ContinuationToken"`
	MaxKeys           *int              `json:"MaxKeys"`
	VersionId         string            `json:"VersionId"`
}

// object checks Bucket and Key, which the SDK requires.
func (p params) object() error {
	if err := p.bucket(); err != nil {
		return err
	}
	if p.Key == "" {
		return validation("Key is required")
	}
	if len(p.Key) > objectstore.MaxKeyLen {
		return &taskError{name: "S3.KeyTooLongErrorException", message: "Your key is too long", status: 400}
	}
	if err := objectstore.ValidateKey(p.Key); err != nil {
		return validation("this store cannot keep the key: %v", err)
	}
	if p.VersionId != "" && p.VersionId != "null" {
		return validation("VersionId: mie's object store keeps no versions")
	}
	return nil
}

func (p params) bucket() error {
	if p.Bucket == "" {
		return validation("Bucket is required")
	}
	if err := objectstore.ValidateBucket(p.Bucket); err != nil {
		return &taskError{name: ErrInvalidBucketName, message: "The specified bucket is not valid.", status: 400}
	}
	return nil
}

// copySource reads CopySource, "bucket/key" URL-encoded (a leading "/"
// and "?versionId=null" allowed), as S3 does.
func copySource(v string) (string, string, error) {
	v, query, _ := strings.Cut(strings.TrimPrefix(v, "/"), "?")
	if query != "" && query != "versionId=null" {
		return "", "", validation("CopySource: versions are not kept (%q)", query)
	}
	dec, err := url.PathUnescape(v)
	if err != nil {
		dec = v
	}
	bucket, key, ok := strings.Cut(dec, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", &taskError{name: ErrInvalidArgument, status: 400,
			message: "Copy Source must mention the source bucket and key: sourcebucket/sourcekey"}
	}
	src := params{Bucket: bucket, Key: key}
	if err := src.object(); err != nil {
		return "", "", err
	}
	return bucket, key, nil
}

// stamp is how Step Functions shows an SDK result's timestamps.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func metadataOf(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
