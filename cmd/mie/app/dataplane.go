package app

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/mie-kafka/mie/api/dataplane"
	"github.com/mie-kafka/mie/internal/claimcheck"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/processors/worker"
	"github.com/mie-kafka/mie/projections/memory"
)

// objectStore opens the configured object storage and makes sure the data
// plane bucket exists.
func (a *App) objectStore(ctx context.Context) (objectstore.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	switch a.cfg.Store {
	case "s3":
		s, err := objectstore.NewS3(ctx, objectstore.S3Config{
			Endpoint: a.cfg.S3Endpoint, Region: a.cfg.S3Region, PathStyle: a.cfg.S3PathStyle})
		if err != nil {
			return nil, fmt.Errorf("object store: %w", err)
		}
		if err := s.EnsureBucket(ctx, a.cfg.Bucket); err != nil {
			return nil, fmt.Errorf("object store: bucket %s: %w", a.cfg.Bucket, err)
		}
		a.store = s
		a.log.Info("object store: S3", "endpoint", a.cfg.S3Endpoint, "region", a.cfg.S3Region, "bucket", a.cfg.Bucket)
	default:
		dir := filepath.Join(a.cfg.DataDir, "objects")
		l, err := objectstore.NewLocal(dir)
		if err != nil {
			return nil, fmt.Errorf("object store: %w", err)
		}
		a.closers = append(a.closers, func() { _ = l.Close() })
		if err := l.EnsureBucket(ctx, a.cfg.Bucket); err != nil {
			return nil, fmt.Errorf("object store: bucket %s: %w", a.cfg.Bucket, err)
		}
		a.store = l
		a.log.Info("object store: local directory", "dir", dir, "bucket", a.cfg.Bucket)
	}
	return a.store, nil
}

func (a *App) claims(ctx context.Context) (*claimcheck.Checker, error) {
	store, err := a.objectStore(ctx)
	if err != nil {
		return nil, err
	}
	return claimcheck.New(store, claimcheck.Config{Bucket: a.cfg.Bucket, Threshold: int(a.cfg.ClaimThreshold)})
}

// workerDataPlane is what operators use to write to the data plane.
func (a *App) workerDataPlane(ctx context.Context) (*worker.DataPlane, error) {
	cl, err := a.claims(ctx)
	if err != nil {
		return nil, err
	}
	return &worker.DataPlane{Store: a.store, Bucket: a.cfg.Bucket, Claims: cl}, nil
}

// startDataplane starts the data plane projection and service (API role).
func (a *App) startDataplane(ctx, runCtx context.Context) error {
	cl, err := a.claims(ctx)
	if err != nil {
		return err
	}
	a.DataplaneProjection, err = memory.NewDataplane(memory.DataplaneConfig{Kafka: a.kafka, Catalog: a.cat, Logger: a.log})
	if err != nil {
		return err
	}
	a.run("dataplane projection", runCtx, a.DataplaneProjection.Run)
	a.Dataplane, err = dataplane.New(dataplane.Config{
		Client: a.client, Catalog: a.cat, Store: a.store, Bucket: a.cfg.Bucket,
		Assets: a.assetsReader(), Claims: cl, Objects: a.notifier, Active: a.executionsReader().ActiveExecution,
		UploadLimit: a.cfg.UploadLimit, Logger: a.log,
	})
	return err
}
