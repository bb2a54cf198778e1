package awss3

import (
	"context"

	"github.com/mie-kafka/mie/processors/worker"
)

func createBucket(ctx context.Context, h *Handler, _ *worker.Task, p params) (any, error) {
	if err := p.bucket(); err != nil {
		return nil, err
	}
	if err := h.Store.CreateBucket(ctx, p.Bucket); err != nil {
		return nil, err
	}
	return map[string]any{"Location": "/" + p.Bucket}, nil
}

func deleteBucket(ctx context.Context, h *Handler, _ *worker.Task, p params) (any, error) {
	if err := p.bucket(); err != nil {
		return nil, err
	}
	if err := h.Store.DeleteBucket(ctx, p.Bucket); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func listBuckets(ctx context.Context, h *Handler, _ *worker.Task, _ params) (any, error) {
	list, err := h.Store.ListBuckets(ctx)
	if err != nil {
		return nil, err
	}
	buckets := make([]map[string]any, 0, len(list))
	for _, b := range list {
		buckets = append(buckets, map[string]any{"Name": b.Name, "CreationDate": stamp(b.Created)})
	}
	return map[string]any{"Buckets": buckets, "Owner": map[string]any{"DisplayName": "mie", "ID": "mie"}}, nil
}
