package app

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mie-kafka/mie/internal/media/ffmpeg"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/media/videoworkflow"
	"github.com/mie-kafka/mie/internal/topics"
	"github.com/mie-kafka/mie/processors/worker/builtin"
	"github.com/mie-kafka/mie/processors/worker/mediaconvert"
)

// The media workers: the MediaConvert integration (builtin:aws.mediaconvert
// and its job runners) and the media functions (builtin:MediaMetadata,
// MediaQualityControl, MediaPublish). They run when --operators names
// them, as the default does.

// MediaOperators are the --operators names of the media workers, in the
// default list.
var MediaOperators = []string{"ObjectInfo", "MediaInfo", "Thumbnail", "Transcode", "ExtractAudio", "PackageHLS",
	"MediaMetadata", "MediaQualityControl", "MediaPublish", mediaconvert.Name}

// mediaSpecs are the MediaConvert integration's topics: its task topic
// and the jobs topic.
func (a *App) mediaSpecs() []topics.Spec {
	task, jobs := a.mediaConvertTopics()
	return []topics.Spec{a.cat.TaskSpec(task), a.cat.TaskSpec(jobs)}
}

func (a *App) mediaConvertTopics() (task, jobs string) {
	task, _ = a.cat.Task("builtin:" + mediaconvert.Name)
	jobs, _ = a.cat.Task("builtin:" + mediaconvert.Name + ".jobs")
	return task, jobs
}

// mediaBackends are the jobs table and the notifications topic that the
// media functions write to (JOBS_TABLE, SNS_TOPIC_ARN). This build has
// neither DynamoDB-style tables nor SNS topics: MediaMetadata and
// MediaQualityControl skip their rows (with a warning) and MediaPublish
// fails with Mie.NotConfigured. Wire the tables' UpdateItem and the
// notifications topic's Publish here, behind videoworkflow.TableUpdater
// and videoworkflow.Notifier.
func (a *App) mediaBackends() (videoworkflow.TableUpdater, videoworkflow.Notifier) {
	return nil, nil
}

// mediaBuiltins are the media workers that need the object store, by
// name: the media functions and the MediaConvert integration.
func (a *App) mediaBuiltins(ctx context.Context) (map[string]builtin.Builtin, error) {
	store, err := a.objectStore(ctx)
	if err != nil {
		return nil, err
	}
	table, notifier := a.mediaBackends()
	reg, err := builtin.MediaFunctions(builtin.MediaFunctionsConfig{Store: store, Table: table, Notifier: notifier, Logger: a.log})
	if err != nil {
		return nil, err
	}
	cfg, err := a.mediaConvertConfig()
	if err != nil {
		return nil, err
	}
	if cfg.Missing != nil {
		a.log.Warn("MediaConvert jobs and the media functions and operators will fail: " + cfg.Missing.Error())
	}
	svc, err := mediaconvert.NewService(cfg)
	if err != nil {
		return nil, err
	}
	reg[mediaconvert.Name] = builtin.Builtin{Name: mediaconvert.Name, Type: builtin.TypeAsync, Handler: svc}
	return reg, nil
}

// mediaConvertConfig is what the MediaConvert service worker and runners
// share: the transcoder (or why there is none) and the job store, in the
// data plane bucket.
func (a *App) mediaConvertConfig() (mediaconvert.Config, error) {
	_, jobs := a.mediaConvertTopics()
	cfg := mediaconvert.Config{Jobs: &mediaconvert.Jobs{Store: a.store, Bucket: a.cfg.Bucket}, JobsTopic: jobs, Logger: a.log}
	tc, err := transcode.New(transcode.Config{Store: a.store, Logger: a.log})
	switch {
	case errors.Is(err, ffmpeg.ErrNotInstalled):
		cfg.Missing = err
	case err != nil:
		return cfg, fmt.Errorf("mediaconvert: %w", err)
	default:
		cfg.Transcoder = tc
	}
	return cfg, nil
}

// startMediaConvertRunner runs the MediaConvert jobs when this process
// runs the aws.mediaconvert worker and has ffmpeg.
func (a *App) startMediaConvertRunner(ctx context.Context) error {
	if !slices.Contains(a.operatorNames(), mediaconvert.Name) {
		return nil
	}
	cfg, err := a.mediaConvertConfig()
	if err != nil || cfg.Transcoder == nil {
		return err
	}
	r, err := mediaconvert.NewRunner(mediaconvert.RunnerConfig{Config: cfg, Kafka: a.kafka, Catalog: a.cat,
		Instance: a.cfg.Instance, SessionTimeout: a.cfg.SessionTimeout})
	if err != nil {
		return err
	}
	a.run("mediaconvert runner", ctx, r.Run)
	return nil
}
