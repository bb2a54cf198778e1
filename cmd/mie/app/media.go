package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	workers "github.com/mie-kafka/mie/processors/worker/services"

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
// media functions write to (JOBS_TABLE, SNS_TOPIC_ARN): the tables'
// UpdateItem and SNS's Publish, which the functions' records join in
// their task's transaction.
func (a *App) mediaBackends(ctx context.Context) (videoworkflow.TableUpdater, videoworkflow.Notifier, error) {
	res, err := a.resources(ctx)
	if err != nil {
		return nil, nil, err
	}
	return mediaTable{&workers.Tables{Catalog: a.cat, Definitions: res}},
		mediaNotifier{&workers.Notifications{Catalog: a.cat, Topics: res}}, nil
}

// mediaTable is the jobs table as the media functions write it: plain
// values, converted to DynamoDB's.
type mediaTable struct{ t *workers.Tables }

func (m mediaTable) UpdateItem(ctx context.Context, u videoworkflow.TableUpdate) error {
	// The functions' values are Go values (their results' structs): as
	// JSON, they are what the Lambdas' boto3 writes.
	values, err := plainJSON(u.ExpressionAttributeValues)
	if err != nil {
		return fmt.Errorf("the row's values cannot be written as JSON: %w", err)
	}
	return m.t.UpdatePlain(ctx, workers.PlainUpdate{TableName: u.TableName, Key: u.Key,
		UpdateExpression: u.UpdateExpression, ExpressionAttributeValues: values})
}

// plainJSON is m with every value as JSON decodes it (numbers as
// json.Number).
func plainJSON(m map[string]any) (map[string]any, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var out map[string]any
	return out, d.Decode(&out)
}

// mediaNotifier publishes the media functions' notifications on SNS.
type mediaNotifier struct{ n *workers.Notifications }

func (m mediaNotifier) Publish(ctx context.Context, n videoworkflow.Notification) error {
	msg, err := json.Marshal(n.Message)
	if err != nil {
		return err
	}
	_, err = m.n.Publish(ctx, workers.Publish{TopicArn: n.TopicArn, Subject: n.Subject, Message: msg})
	return err
}

// mediaBuiltins are the media workers that need the object store, by
// name: the media functions and the MediaConvert integration.
func (a *App) mediaBuiltins(ctx context.Context) (map[string]builtin.Builtin, error) {
	store, err := a.objectStore(ctx)
	if err != nil {
		return nil, err
	}
	table, notifier, err := a.mediaBackends(ctx)
	if err != nil {
		return nil, err
	}
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
