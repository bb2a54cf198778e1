package awss3

import (
	"context"

	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/processors/worker"
)

func listObjectsV2(ctx context.Context, h *Handler, _ *worker.Task, p params) (any, error) {
	if err := p.bucket(); err != nil {
		return nil, err
	}
	max := objectstore.DefaultMaxKeys
	if p.MaxKeys != nil {
		if *p.MaxKeys < 0 {
			return nil, validation("MaxKeys must not be negative")
		}
		max = min(*p.MaxKeys, max)
	}
	if err := objectstore.ValidatePrefix(p.Prefix); err != nil {
		return nil, validation("Prefix: %v", err)
	}
	page := objectstore.ListPage{}
	if max > 0 {
		var err error
		page, err = h.Store.ListPage(ctx, p.Bucket, objectstore.ListQuery{Prefix: p.Prefix, Delimiter: p.Delimiter,
			StartAfter: p.StartAfter, Token: p.ContinuationToken, MaxKeys: max})
		if err != nil {
			return nil, err
		}
	} else if err := h.Store.HeadBucket(ctx, p.Bucket); err != nil {
		return nil, err
	}
	contents := make([]map[string]any, 0, len(page.Objects))
	for _, o := range page.Objects {
		contents = append(contents, map[string]any{"Key": o.Key, "LastModified": stamp(o.Modified), "ETag": o.ETag,
			"Size": o.Size, "StorageClass": "STANDARD"})
	}
	out := map[string]any{"Name": p.Bucket, "Prefix": p.Prefix, "MaxKeys": max, "IsTruncated": page.Truncated,
		"KeyCount": len(page.Objects) + len(page.CommonPrefixes), "Contents": contents}
	if len(page.CommonPrefixes) > 0 {
		cps := make([]map[string]any, 0, len(page.CommonPrefixes))
		for _, cp := range page.CommonPrefixes {
			cps = append(cps, map[string]any{"Prefix": cp})
		}
		out["CommonPrefixes"] = cps
	}
	for field, v := range map[string]string{"Delimiter": p.Delimiter, "StartAfter": p.StartAfter, "ContinuationToken": p.ContinuationToken} {
		if v != "" {
			out[field] = v
		}
	}
	if page.Truncated {
		out["NextContinuationToken"] = page.NextToken
	}
	return out, nil
}
