package app

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/probe"
	"github.com/mie-kafka/mie/processors/worker/mediaconvert"
)

// videoMachine is the reference pipeline's processing part, smaller: in
// parallel a Lambda-ARN Task on builtin:MediaMetadata and a
// mediaconvert:createJob.sync Task (an MP4 and an HLS rendition, frame
// captures), then quality control on builtin:MediaQualityControl, as the
// reference's ProcessingComplete and QualityControl do.
const videoMachine = `{"StartAt":"ParallelProcessing","States":{
  "ParallelProcessing":{"Type":"Parallel","Next":"ProcessingComplete","Branches":[
    {"StartAt":"ExtractMetadata","States":{"ExtractMetadata":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:123456789012:function:video-metadata-extractor",
      "Parameters":{"bucket.$":"$.bucket","key.$":"$.key","jobId.$":"$.jobId"},"End":true}}},
    {"StartAt":"TranscodeVideo","States":{"TranscodeVideo":{"Type":"Task",
      "Resource":"arn:aws:states:::mediaconvert:createJob.sync",
      "Parameters":{"Role":"arn:aws:iam::123456789012:role/MediaConvert","StatusUpdateInterval":"SECONDS_60",
        "UserMetadata":{"WorkflowJobId.$":"$.jobId","SourceFile.$":"$.key"},
        "Settings":{"Inputs":[{"FileInput.$":"States.Format('s3://{}/{}', $.bucket, $.key)",
            "AudioSelectors":{"Audio Selector 1":{"Tracks":[1],"DefaultSelection":"DEFAULT"}},
            "VideoSelector":{"ColorSpace":"FOLLOW"},"TimecodeSource":"EMBEDDED"}],
          "OutputGroups":[
            {"Name":"MP4_Output","OutputGroupSettings":{"Type":"FILE_GROUP_SETTINGS",
              "FileGroupSettings":{"Destination.$":"States.Format('s3://OUT/mp4/{}/', $.jobId)"}},
             "Outputs":[{"NameModifier":"_360p","ContainerSettings":{"Container":"MP4"},
               "VideoDescription":{"Width":640,"Height":360,"CodecSettings":{"Codec":"H_264",
                 "H264Settings":{"RateControlMode":"QVBR","QvbrSettings":{"QvbrQualityLevel":7},"MaxBitrate":1000000}}},
               "AudioDescriptions":[{"CodecSettings":{"Codec":"AAC","AacSettings":{"Bitrate":96000,"CodingMode":"CODING_MODE_2_0","SampleRate":48000}}}]}]},
            {"Name":"HLS_Output","OutputGroupSettings":{"Type":"HLS_GROUP_SETTINGS",
              "HlsGroupSettings":{"Destination.$":"States.Format('s3://OUT/hls/{}/', $.jobId)","SegmentLength":2,
                "OutputSelection":"MANIFESTS_AND_SEGMENTS","ManifestDurationFormat":"FLOATING_POINT"}},
             "Outputs":[{"NameModifier":"_hls_360p","ContainerSettings":{"Container":"M3U8"},
               "VideoDescription":{"Width":640,"Height":360,"CodecSettings":{"Codec":"H_264",
                 "H264Settings":{"RateControlMode":"QVBR","QvbrSettings":{"QvbrQualityLevel":7},"MaxBitrate":1000000}}},
               "AudioDescriptions":[{"CodecSettings":{"Codec":"AAC","AacSettings":{"Bitrate":96000,"CodingMode":"CODING_MODE_2_0","SampleRate":48000}}}]}]},
            {"Name":"Thumbnail_Output","OutputGroupSettings":{"Type":"FILE_GROUP_SETTINGS",
              "FileGroupSettings":{"Destination.$":"States.Format('s3://OUT/thumbnails/{}/', $.jobId)"}},
             "Outputs":[{"NameModifier":"_thumb_%04d","ContainerSettings":{"Container":"RAW"},
               "VideoDescription":{"Width":320,"Height":180,"CodecSettings":{"Codec":"FRAME_CAPTURE",
                 "FrameCaptureSettings":{"FramerateNumerator":1,"FramerateDenominator":2,"MaxCaptures":3,"Quality":80}}}}]}]}},
      "End":true}}}]},
  "ProcessingComplete":{"Type":"Pass","Parameters":{"jobId.$":"$[0].jobId","metadata.$":"$[0].metadata",
    "mediaConvertJob.$":"$[1].Job","outputs":[
      {"format":"mp4","bucket":"OUT","key.$":"States.Format('mp4/{}/{}', $[0].jobId, 'output')"},
      {"format":"hls","bucket":"OUT","key.$":"States.Format('hls/{}/{}', $[0].jobId, 'index.m3u8')"},
      {"format":"thumbnails","bucket":"OUT","key.$":"States.Format('thumbnails/{}/{}', $[0].jobId, 'thumbnails')"}]},
    "Next":"QualityControl"},
  "QualityControl":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:video-quality-control",
    "Parameters":{"jobId.$":"$.jobId","outputs.$":"$.outputs","metadata.$":"$.metadata","mediaConvertJob.$":"$.mediaConvertJob"},
    "ResultPath":"$.qc","Next":"QualityDecision"},
  "QualityDecision":{"Type":"Choice","Choices":[{"Variable":"$.qc.passed","BooleanEquals":true,"Next":"Done"}],"Default":"QualityControlFailed"},
  "QualityControlFailed":{"Type":"Fail","Error":"QualityControlFailed"},
  "Done":{"Type":"Succeed"}}}`

// mediaApp starts an app with the media workers, and stores a clip.
func mediaApp(t *testing.T) (*App, string) {
	t.Helper()
	mediatest.Tools(t)
	h := newHarness(t)
	h.configure = func(c *Config) {
		c.Operators = append(c.Operators, "MediaMetadata", "MediaQualityControl", mediaconvert.Name)
	}
	a := h.start("media", Roles{API: true, Executor: true, Worker: true})
	createJobsTable(t, ctxT(t), dynamoClient(a), "video-jobs")
	clip := mediatest.Make(t, "", mediatest.Clip{Name: "talk.mp4", Seconds: 6, Width: 640, Height: 360, SampleRate: 48000})
	f, err := os.Open(clip)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := a.store.Put(t.Context(), "source", "uploads/talk.mp4", f, -1, "video/mp4"); err != nil {
		t.Fatal(err)
	}
	for name, impl := range map[string]string{"video-metadata-extractor": "builtin:MediaMetadata", "video-quality-control": "builtin:MediaQualityControl"} {
		body := map[string]any{"Implementation": impl, "TimeoutSeconds": 300,
			"Environment": map[string]any{"Variables": map[string]string{"JOBS_TABLE": "video-jobs"}}}
		if s := call(t, a, "PUT", "/functions/"+name, body, nil); s != http.StatusOK {
			t.Fatalf("PUT /functions/%s: %d", name, s)
		}
	}
	return a, filepath.Join(a.cfg.DataDir, "objects")
}

// TestVideoMachineEndToEnd runs the machine on the embedded app: the
// MediaConvert job runs on the worker and its runner, the functions on
// their built-ins, and the outputs are what the job asked for (checked
// with ffprobe); every record on the topics matches its schema.
func TestVideoMachineEndToEnd(t *testing.T) {
	a, objects := mediaApp(t)
	id := startRun(t, a, "video", strings.ReplaceAll(videoMachine, "OUT", "output"),
		`{"bucket":"source","key":"uploads/talk.mp4","jobId":"job-1"}`)
	x := waitRun(t, a, id, 3*time.Minute)
	if x.Run.Status != "SUCCEEDED" {
		t.Fatalf("status %s: %s %s", x.Run.Status, x.Run.Error, x.Run.Cause)
	}
	var out struct {
		Metadata struct {
			Width, Height int
			Codec         string
		} `json:"metadata"`
		Job struct {
			Id, Status         string
			JobPercentComplete int
			UserMetadata       map[string]string
		} `json:"mediaConvertJob"`
		QC struct {
			Passed       bool    `json:"passed"`
			QualityScore float64 `json:"qualityScore"`
		} `json:"qc"`
	}
	if err := json.Unmarshal(x.Run.Output, &out); err != nil {
		t.Fatalf("output %s: %v", x.Run.Output, err)
	}
	if out.Metadata.Width != 640 || out.Metadata.Height != 360 || out.Metadata.Codec != "h264" {
		t.Errorf("metadata %+v", out.Metadata)
	}
	if out.Job.Status != "COMPLETE" || out.Job.JobPercentComplete != 100 || out.Job.UserMetadata["SourceFile"] != "uploads/talk.mp4" {
		t.Errorf("job %+v", out.Job)
	}
	if !out.QC.Passed || out.QC.QualityScore != 1 {
		t.Errorf("quality control %+v", out.QC)
	}
	checkOutputs(t, objects)
	checkProgressInHistory(t, a, id)
	// The functions wrote their rows of the jobs table (JOBS_TABLE).
	row, err := dynamoClient(a).GetItem(ctxT(t), &dynamodb.GetItemInput{TableName: aws.String("video-jobs"),
		Key: map[string]types.AttributeValue{"JobId": s("job-1")}, ConsistentRead: aws.Bool(true)})
	if err != nil || len(row.Item) < 2 {
		t.Errorf("the job's row = %+v, %v; want the functions' attributes", row, err)
	}
	if n := validateTopics(t, a); n == 0 {
		t.Fatal("no records validated")
	}
}

func checkOutputs(t *testing.T, objects string) {
	t.Helper()
	describe := func(key string) *probe.Metadata {
		t.Helper()
		m, err := probe.File(t.Context(), filepath.Join(objects, "output", key))
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return m
	}
	mp4 := describe("mp4/job-1/talk_360p.mp4")
	if v, ok := mp4.FirstVideo(); !ok || v.Width != 640 || v.Height != 360 || v.Codec != "h264" || mp4.Duration < 5.5 {
		t.Errorf("mp4 %+v", mp4)
	}
	if a, ok := mp4.FirstAudio(); !ok || a.Codec != "aac" || a.SampleRate != 48000 {
		t.Errorf("mp4 audio %+v", mp4.Audio)
	}
	master, err := os.ReadFile(filepath.Join(objects, "output", "hls/job-1/talk.m3u8"))
	if err != nil || !strings.Contains(string(master), "talk_hls_360p.m3u8") || !strings.Contains(string(master), "RESOLUTION=640x360") {
		t.Errorf("HLS master %s: %v", master, err)
	}
	seg := describe("hls/job-1/talk_hls_360p_00001.ts")
	if v, ok := seg.FirstVideo(); !ok || v.Height != 360 || seg.Duration > 2.5 {
		t.Errorf("first segment %+v", seg)
	}
	thumbs, _ := filepath.Glob(filepath.Join(objects, "output", "thumbnails/job-1/*.jpg"))
	if len(thumbs) != 3 {
		t.Errorf("thumbnails %v, want 3", thumbs)
	}
	for _, th := range thumbs {
		m := describe(strings.TrimPrefix(th, filepath.Join(objects, "output")+"/"))
		if v, ok := m.FirstVideo(); !ok || v.Codec != "mjpeg" || v.Width != 320 || v.Height != 180 {
			t.Errorf("thumbnail %s %+v", th, m)
		}
	}
}

// checkProgressInHistory: the .sync Task's checks are in the history,
// each with the job's status and progress.
func checkProgressInHistory(t *testing.T, a *App, id string) {
	t.Helper()
	hist, err := a.Projection.History(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, env := range hist {
		p, err := env.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := p.(*events.TaskExecuting); ok {
			var st struct{ JobId, Status string }
			if err := json.Unmarshal(e.MonitorState, &st); err != nil || st.JobId == "" {
				t.Fatalf("check state %s", e.MonitorState)
			}
			if !slices.Contains(seen, st.Status) {
				seen = append(seen, st.Status)
			}
		}
	}
	if len(seen) == 0 || seen[0] != "SUBMITTED" {
		t.Errorf("the checks saw %v, want SUBMITTED first", seen)
	}
}

// TestMissingInputIsCaught: a createJob.sync Task on an object that does
// not exist fails with S3.NoSuchKeyException, which a Catch takes; a bad setting
// fails with MediaConvert.BadRequestException naming its path.
func TestMissingInputIsCaught(t *testing.T) {
	a, _ := mediaApp(t)
	def := `{"StartAt":"T","States":{
	  "T":{"Type":"Task","Resource":"arn:aws:states:::mediaconvert:createJob.sync","Parameters":{"Role":"r",
	    "Settings":{"Inputs":[{"FileInput.$":"$.input"}],"OutputGroups":[{"OutputGroupSettings":{"Type":"FILE_GROUP_SETTINGS",
	      "FileGroupSettings":{"Destination":"s3://output/x/"}},"Outputs":[{"ContainerSettings":{"Container":"MP4"},
	      "VideoDescription":{"CodecSettings":{"Codec.$":"$.codec","H264Settings":{"RateControlMode":"QVBR","MaxBitrate":500000}}}}]}]}},
	    "Catch":[{"ErrorEquals":["S3.NoSuchKeyException"],"ResultPath":"$.error","Next":"Missing"}],"End":true},
	  "Missing":{"Type":"Pass","End":true}}}`
	id := startRun(t, a, "missing", def, `{"input":"s3://source/uploads/none.mp4","codec":"H_264"}`)
	x := waitRun(t, a, id, time.Minute)
	var out struct{ Error map[string]string }
	_ = json.Unmarshal(x.Run.Output, &out)
	if x.Run.Status != "SUCCEEDED" || out.Error["Error"] != mediaconvert.ErrNoSuchKey || !strings.Contains(out.Error["Cause"], `"ErrorCode":1404`) {
		t.Fatalf("missing input: %s %s", x.Run.Status, x.Run.Output)
	}
	id = startRun(t, a, "bad", def, `{"input":"s3://source/uploads/talk.mp4","codec":"AV1"}`)
	x = waitRun(t, a, id, time.Minute)
	if x.Run.Status != "FAILED" || x.Run.Error != mediaconvert.ErrBadRequest ||
		!strings.Contains(x.Run.Cause, "Settings.OutputGroups[0].Outputs[0].VideoDescription.CodecSettings.Codec") {
		t.Fatalf("bad setting: %s %s %s", x.Run.Status, x.Run.Error, x.Run.Cause)
	}
}

// TestSyncTaskTimeoutCancelsJob: a createJob.sync Task that times out
// (States.Timeout, which a Catch takes) cancels its job: ffmpeg is
// killed, the job ends CANCELED and writes nothing.
func TestSyncTaskTimeoutCancelsJob(t *testing.T) {
	a, objects := mediaApp(t)
	def := `{"StartAt":"T","States":{
	  "T":{"Type":"Task","Resource":"arn:aws:states:::mediaconvert:createJob.sync","TimeoutSeconds":1,
	    "Parameters":{"Role":"r","Settings":{"Inputs":[{"FileInput":"s3://source/uploads/talk.mp4"}],
	      "OutputGroups":[{"OutputGroupSettings":{"Type":"FILE_GROUP_SETTINGS","FileGroupSettings":{"Destination":"s3://output/slow/"}},
	        "Outputs":[{"ContainerSettings":{"Container":"MP4"},"VideoDescription":{"Width":1920,"Height":1080,
	          "CodecSettings":{"Codec":"H_264","H264Settings":{"RateControlMode":"QVBR","MaxBitrate":8000000,"QualityTuningLevel":"MULTI_PASS_HQ"}}}}]}]}},
	    "Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":"$.error","Next":"TimedOut"}],"End":true},
	  "TimedOut":{"Type":"Pass","End":true}}}`
	id := startRun(t, a, "timeout", def, `{}`)
	x := waitRun(t, a, id, time.Minute)
	if x.Run.Status != "SUCCEEDED" || !strings.Contains(string(x.Run.Output), "States.Timeout") {
		t.Fatalf("run %s %s %s %s", x.Run.Status, x.Run.Output, x.Run.Error, x.Run.Cause)
	}
	jobs := &mediaconvert.Jobs{Store: a.store, Bucket: a.cfg.Bucket}
	eventually(t, time.Minute, "the timed-out job to be canceled", func() bool {
		infos, err := a.store.List(t.Context(), a.cfg.Bucket, "mediaconvert/jobs/")
		if err != nil {
			return false
		}
		for _, i := range infos {
			if id, ok := strings.CutSuffix(strings.TrimPrefix(i.Key, "mediaconvert/jobs/"), ".json"); ok {
				d, err := jobs.Get(t.Context(), id)
				return err == nil && d.Job.Status == "CANCELED"
			}
		}
		return false
	})
	if _, err := os.Stat(filepath.Join(objects, "output", "slow")); !os.IsNotExist(err) {
		t.Errorf("a canceled job wrote outputs: %v", err)
	}
}
