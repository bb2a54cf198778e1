package builtin

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/media/videoworkflow"
	"github.com/mie-kafka/mie/processors/worker"
)

// The media functions as MIE operators: the function's input is made from
// the task (the job is the workflow execution; the objects are the input
// media), its answer is stored as the operator's metadata page, and a few
// values go on to later stages as MetaData:
//
//   - MediaMetadata probes the input media object (Configuration.MediaType,
//     else Video, else Audio) and passes on MetaData.Metadata, the
//     Lambda's metadata object.
//   - MediaQualityControl checks every input media object (by extension:
//     .m3u8 as HLS, .jpg/.jpeg as thumbnails, others as MP4) against the
//     source's MetaData.Metadata (from MediaMetadata, or
//     Configuration.Metadata), and passes on QualityScore and
//     QualityPassed ("true"/"false").
//   - MediaPublish publishes the input media objects with
//     qualityPassed from MetaData.QualityPassed (or
//     Configuration.QualityPassed), to Configuration.JobsTable and
//     Configuration.TopicArn (an operator has no function Environment),
//     and passes on PublishStatus.
//
// A failed check is not a failed operator: QualityPassed says it.

func (f *mediaFunction) operator(ctx context.Context, t *worker.Task) (worker.Result, error) {
	jobID := t.WorkflowExecutionId
	if id, _ := t.Configuration["JobId"].(string); id != "" {
		jobID = id
	}
	var in any
	switch f.name {
	case "MediaMetadata":
		_, obj, ok := inputMedia(t)
		if !ok {
			return worker.Failed("MediaMetadata needs an input media object (Video or Audio; Configuration.MediaType picks one)", ""), nil
		}
		in = videoworkflow.MetadataInput{Bucket: obj.S3Bucket, Key: obj.S3Key, JobID: jobID}
	case "MediaQualityControl":
		var md *videoworkflow.Metadata
		if err := remarshal(firstSet(t.Input.MetaData["Metadata"], t.Configuration["Metadata"]), &md); err != nil {
			return worker.Failed("MediaQualityControl: MetaData.Metadata: "+err.Error(), ""), nil
		}
		in = videoworkflow.QualityControlInput{JobID: jobID, Outputs: outputRefs(t), Metadata: md}
	case "MediaPublish":
		passed := fmt.Sprint(firstSet(t.Input.MetaData["QualityPassed"], t.Configuration["QualityPassed"])) == "true"
		outputs, _ := json.Marshal(outputRefs(t))
		in = videoworkflow.PublishInput{JobID: jobID, Outputs: outputs, QualityPassed: passed}
	}
	payload, err := json.Marshal(in)
	if err != nil {
		return worker.Result{}, err
	}
	table, _ := t.Configuration["JobsTable"].(string)
	topic, _ := t.Configuration["TopicArn"].(string)
	out, err := f.call(ctx, f, f.fns.With(table, topic), payload)
	if err != nil {
		res := f.failure(err)
		return worker.Failed(fmt.Sprintf("%s: %s", res.Error, err), res.Cause), nil
	}
	if err := worker.Outputs(ctx).StoreMetadata(ctx, out); err != nil {
		return worker.Result{}, err
	}
	return worker.Complete(nil, operatorMetaData(out)), nil
}

// operatorMetaData is what later stages get of a function's answer.
func operatorMetaData(out any) map[string]any {
	switch o := out.(type) {
	case *videoworkflow.MetadataOutput:
		var md map[string]any
		_ = remarshal(o.Metadata, &md)
		return map[string]any{"Metadata": md}
	case *videoworkflow.QualityControlOutput:
		return map[string]any{"QualityScore": ftoa(o.QualityScore), "QualityPassed": strconv.FormatBool(o.Passed)}
	case *videoworkflow.PublishOutput:
		return map[string]any{"PublishStatus": o.Status}
	}
	return nil
}

// outputRefs are the input media objects as the Lambdas' output entries.
func outputRefs(t *worker.Task) []videoworkflow.OutputRef {
	types := make([]string, 0, len(t.Input.Media))
	for mt := range t.Input.Media {
		types = append(types, mt)
	}
	slices.Sort(types)
	refs := []videoworkflow.OutputRef{}
	for _, mt := range types {
		refs = append(refs, outputRef(t.Input.Media[mt]))
	}
	return refs
}

func outputRef(m events.MediaObject) videoworkflow.OutputRef {
	format := "mp4"
	switch strings.ToLower(path.Ext(m.S3Key)) {
	case ".m3u8":
		format = "hls"
	case ".jpg", ".jpeg":
		format = "thumbnails"
	}
	return videoworkflow.OutputRef{Format: format, Bucket: m.S3Bucket, Key: m.S3Key}
}

func firstSet(vs ...any) any {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

// remarshal converts a decoded JSON value to v's type; nil stays nil.
func remarshal(from, v any) error {
	if from == nil {
		return nil
	}
	raw, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}
