package videoworkflow_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/media/videoworkflow"
)

// processingComplete builds the QualityControl input exactly as the
// reference machine's ProcessingComplete and QualityControl states do.
func processingComplete(md videoworkflow.Metadata) videoworkflow.QualityControlInput {
	return videoworkflow.QualityControlInput{JobID: jobID, Metadata: &md, Outputs: []videoworkflow.OutputRef{
		{Format: "mp4", Bucket: output, Key: "mp4/" + jobID + "/output"},
		{Format: "hls", Bucket: output, Key: "hls/" + jobID + "/index.m3u8"},
		{Format: "thumbnails", Bucket: output, Key: "thumbnails/" + jobID + "/thumbnails"},
	}}
}

// transcodeReference runs the reference TranscodeVideo job on the stored
// source, as createJob.sync would, and returns its Job.
func transcodeReference(t *testing.T, f *fixture) *transcode.Job {
	t.Helper()
	data, err := os.ReadFile("../transcode/testdata/reference-job.json")
	if err != nil {
		t.Fatal(err)
	}
	req, err := transcode.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := transcode.New(transcode.Config{Store: f.store, WorkDir: t.TempDir(),
		Presets: map[string]string{"SINGLE_PASS_HQ": "ultrafast"}})
	if err != nil {
		t.Fatal(err)
	}
	job, err := tc.Run(t.Context(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// The reference machine from ExtractMetadata to PublishContent, with
// ffmpeg doing MediaConvert's work and these functions the Lambdas'.
func TestReferenceWorkflow(t *testing.T) {
	f := newFixture(t)
	f.putClip(t, "uploads/talk.mp4", mediatest.Clip{Seconds: 12, Width: 320, Height: 240})
	meta, err := f.fn.MediaMetadata(t.Context(), videoworkflow.MetadataInput{Bucket: source, Key: "uploads/talk.mp4", JobID: jobID})
	if err != nil {
		t.Fatal(err)
	}
	job := transcodeReference(t, f)

	t.Run("QualityControl", func(t *testing.T) { qualityControlAndPublish(t, f, meta) })
	t.Run("WithTheTranscodeJob", func(t *testing.T) {
		in := processingComplete(meta.Metadata)
		in.MediaConvertJob = job
		qcOut, err := f.fn.MediaQualityControl(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		wantPassed(t, qcOut, map[string]int{"mp4": 2, "hls": 1, "thumbnails": 1})
		for _, r := range qcOut.QualityResults {
			if !r.Checks["resolution"] {
				t.Fatalf("%s: no resolution check: %+v", r.Format, r.Checks)
			}
		}
		if !qcOut.QualityResults[2].Checks["frame_count"] {
			t.Fatalf("captures: %+v", qcOut.QualityResults[2])
		}
	})
	t.Run("MissingSegmentFailsHLS", func(t *testing.T) {
		key := "hls/" + jobID + "/talk_hls_720p_00002.ts"
		if err := f.store.Delete(t.Context(), output, key); err != nil {
			t.Fatal(err)
		}
		qcOut, err := f.fn.MediaQualityControl(t.Context(), processingComplete(meta.Metadata))
		if err != nil {
			t.Fatal(err)
		}
		hls := qcOut.QualityResults[1]
		if qcOut.Passed || hls.Passed || hls.Checks["segments"] || !qcOut.QualityResults[0].Passed || !qcOut.QualityResults[2].Passed {
			t.Fatalf("passed %v; hls %+v", qcOut.Passed, hls.Checks)
		}
		last := f.table.updates[len(f.table.updates)-1]
		if last.UpdateExpression != "SET QualityResults = :results, QualityScore = :score, QCCompletedAt = :timestamp" {
			t.Fatalf("row %+v", last)
		}
	})
	t.Run("NothingThere", func(t *testing.T) {
		in := processingComplete(meta.Metadata)
		in.Outputs = append(in.Outputs, videoworkflow.OutputRef{Format: "mp4", Bucket: output, Key: "mp4/other-job/output"},
			videoworkflow.OutputRef{Format: "dash", Bucket: output, Key: "dash/" + jobID + "/index.mpd"})
		qcOut, err := f.fn.MediaQualityControl(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		missing, dash := qcOut.QualityResults[3], qcOut.QualityResults[4]
		if qcOut.Passed || missing.Checks["file_exists"] || missing.Score == 1 || missing.Error == "" || dash.Checks["format_valid"] || dash.Score != 0 {
			t.Fatalf("missing %+v; dash %+v", missing, dash)
		}
	})
}

// qualityControlAndPublish runs QualityControl as the reference machine
// calls it, then PublishContent.
func qualityControlAndPublish(t *testing.T, f *fixture, meta *videoworkflow.MetadataOutput) {
	qcOut, err := f.fn.MediaQualityControl(t.Context(), processingComplete(meta.Metadata))
	if err != nil {
		t.Fatal(err)
	}
	wantPassed(t, qcOut, map[string]int{"mp4": 2, "hls": 1, "thumbnails": 1})
	hlsFiles := qcOut.QualityResults[1].Files
	if hlsFiles[0].Key != "hls/"+jobID+"/talk.m3u8" || hlsFiles[0].Width != 1920 {
		t.Fatalf("hls resolved to %+v", hlsFiles)
	}
	// The machine reads $.passed, $.outputs and $.qualityResults.
	b, _ := json.Marshal(qcOut)
	for _, k := range []string{`"passed":true`, `"qualityResults":[`, `"qualityScore":1`, `"statusCode":200`} {
		if !strings.Contains(string(b), k) {
			t.Fatalf("result lacks %s: %s", k, b)
		}
	}
	publish, err := f.fn.MediaPublish(t.Context(), videoworkflow.PublishInput{JobID: jobID,
		Outputs: mustJSON(t, processingComplete(meta.Metadata).Outputs), QualityResults: mustJSON(t, qcOut.QualityResults),
		QualityPassed: true})
	if err != nil || publish.Status != videoworkflow.StatusPublished {
		t.Fatalf("publish %+v, %v", publish, err)
	}
}

func wantPassed(t *testing.T, out *videoworkflow.QualityControlOutput, files map[string]int) {
	t.Helper()
	for _, r := range out.QualityResults {
		if !r.Passed || r.Score != 1 || len(r.Files) != files[r.Format] || r.FileSize <= 0 {
			b, _ := json.MarshalIndent(r, "", " ")
			t.Fatalf("%s: %s", r.Format, b)
		}
	}
	if !out.Passed || out.QualityScore != 1 || len(out.QualityResults) != 3 {
		t.Fatalf("passed %v, score %v", out.Passed, out.QualityScore)
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
