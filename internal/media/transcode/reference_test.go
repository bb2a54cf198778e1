package transcode_test

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/media/mediatest"
	"github.com/mie-kafka/mie/internal/media/transcode"
)

// The reference video workflow's TranscodeVideo job, exactly as its state
// machine sends it (testdata/reference-job.json: the Parameters with the
// bucket names and job id filled in), on a 12 s clip.
func TestReferenceJob(t *testing.T) {
	e := newEnv(t)
	e.putClip("video-workflow-source-abc123", "uploads/talk.mp4", mediatest.Clip{Seconds: 12, Width: 320, Height: 240})
	data, err := os.ReadFile("testdata/reference-job.json")
	if err != nil {
		t.Fatal(err)
	}
	var statuses []transcode.JobStatus
	var percents []int
	req, err := transcode.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	job, err := e.tc.Run(t.Context(), req, func(j transcode.Job) {
		if len(statuses) == 0 || statuses[len(statuses)-1] != j.Status {
			statuses = append(statuses, j.Status)
		}
		percents = append(percents, j.JobPercentComplete)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("job ran in %v", time.Since(start))
	if got := joinStatuses(statuses); got != "SUBMITTED PROGRESSING COMPLETE" {
		t.Fatalf("statuses %s", got)
	}
	for i := 1; i < len(percents); i++ {
		if percents[i] < percents[i-1] {
			t.Fatalf("percent went back: %v", percents)
		}
	}
	if len(percents) < 5 || percents[len(percents)-1] != 100 {
		t.Fatalf("percents %v", percents)
	}

	const out = "video-workflow-output-abc123"
	const id = "0f8fad5b-d9cb-469f-a165-70867728950e"
	wantKeys(t, e.keys(out, ""),
		"mp4/"+id+"/talk_1080p.mp4", "mp4/"+id+"/talk_720p.mp4",
		"hls/"+id+"/talk.m3u8",
		"hls/"+id+"/talk_hls_1080p.m3u8", "hls/"+id+"/talk_hls_1080p_00001.ts", "hls/"+id+"/talk_hls_1080p_00002.ts",
		"hls/"+id+"/talk_hls_720p.m3u8", "hls/"+id+"/talk_hls_720p_00001.ts", "hls/"+id+"/talk_hls_720p_00002.ts",
		// NameModifier "_thumb_%04d" is literal on MediaConvert: its format
		// identifiers are $...$; captures are numbered .NNNNNNN from 0.
		"thumbnails/"+id+"/talk_thumb_%04d.0000000.jpg", "thumbnails/"+id+"/talk_thumb_%04d.0000001.jpg")

	for _, o := range []struct {
		key  string
		w, h int
	}{{"mp4/" + id + "/talk_1080p.mp4", 1920, 1080}, {"mp4/" + id + "/talk_720p.mp4", 1280, 720}} {
		m := e.probe(out, o.key)
		wantVideo(t, m, "h264", o.w, o.h, 12)
		wantAudio(t, m, 2, 48000)
	}
	checkReferenceHLS(t, e, out, "hls/"+id+"/")
	for _, k := range []string{"talk_thumb_%04d.0000000.jpg", "talk_thumb_%04d.0000001.jpg"} {
		wantVideo(t, e.probe(out, "thumbnails/"+id+"/"+k), "mjpeg", 640, 360, 0.04)
	}
	checkReferenceJob(t, job, out, id)
}

func checkReferenceHLS(t *testing.T, e *env, bucket, prefix string) {
	master := e.playlist(bucket, prefix+"talk.m3u8").Master
	if master == nil || len(master.Variants) != 2 {
		t.Fatalf("master %+v", master)
	}
	for i, want := range []struct {
		uri  string
		w, h int
	}{{"talk_hls_1080p.m3u8", 1920, 1080}, {"talk_hls_720p.m3u8", 1280, 720}} {
		v := master.Variants[i]
		if v.URI != want.uri || v.Width != want.w || v.Height != want.h || len(v.Codecs) != len("avc1.640028,mp4a.40.2") ||
			!strings.HasPrefix(v.Codecs, "avc1.") ||
			!strings.HasSuffix(v.Codecs, ",mp4a.40.2") || v.Bandwidth < v.AverageBandwidth || v.AverageBandwidth <= 0 || math.Abs(v.FrameRate-30) > 0.01 {
			t.Fatalf("variant %d = %+v", i, v)
		}
		media := e.playlist(bucket, prefix+v.URI).Media
		if media == nil || len(media.Segments) != 2 || !media.EndList || media.TargetDuration != 6 || media.PlaylistType != "VOD" {
			t.Fatalf("variant playlist %+v", media)
		}
		stem := strings.TrimSuffix(v.URI, ".m3u8")
		for n, s := range media.Segments {
			if math.Abs(s.Duration-6) > 0.05 || s.URI != stem+[]string{"_00001.ts", "_00002.ts"}[n] {
				t.Fatalf("segment %d = %+v, want ~6 s", n, s)
			}
			wantVideo(t, e.probe(bucket, prefix+s.URI), "h264", want.w, want.h, 6)
		}
	}
}

func checkReferenceJob(t *testing.T, job *transcode.Job, bucket, id string) {
	if job.Status != transcode.StatusComplete || job.JobPercentComplete != 100 || job.ErrorCode != 0 ||
		!strings.HasPrefix(job.Arn, "arn:aws:mediaconvert:us-east-1:000000000000:jobs/"+job.Id) ||
		job.UserMetadata["WorkflowJobId"] != id || job.UserMetadata["SourceFile"] != "uploads/talk.mp4" ||
		job.StatusUpdateInterval != "SECONDS_60" || !strings.HasSuffix(job.Role, "VideoWorkflowMediaConvertRole-abc123") {
		t.Fatalf("job %+v", job)
	}
	if job.Timing.SubmitTime == nil || job.Timing.StartTime == nil || job.Timing.FinishTime == nil ||
		job.Timing.FinishTime.Before(job.Timing.StartTime.Time) {
		t.Fatalf("timing %+v", job.Timing)
	}
	var settings map[string]any
	if err := json.Unmarshal(job.Settings, &settings); err != nil || settings["OutputGroups"] == nil {
		t.Fatalf("settings %s", job.Settings)
	}
	d := job.OutputGroupDetails
	if len(d) != 3 || d[0].Type != "FILE_GROUP" || d[1].Type != "HLS_GROUP" || d[2].Type != "FILE_GROUP" {
		t.Fatalf("details %+v", d)
	}
	if len(d[1].PlaylistFilePaths) != 1 || d[1].PlaylistFilePaths[0] != "s3://"+bucket+"/hls/"+id+"/talk.m3u8" {
		t.Fatalf("playlist paths %v", d[1].PlaylistFilePaths)
	}
	for g, want := range [][]int{{1920, 1080, 1280, 720}, {1920, 1080, 1280, 720}, {640, 360}} {
		for o := range len(want) / 2 {
			od := d[g].OutputDetails[o]
			if od.VideoDetails == nil || od.VideoDetails.WidthInPx != want[2*o] || od.VideoDetails.HeightInPx != want[2*o+1] ||
				math.Abs(float64(od.DurationInMs)-12000) > 100 || len(od.OutputFilePaths) != 1 {
				t.Fatalf("group %d output %d detail %+v", g, o, od)
			}
		}
	}
	if got := d[2].OutputDetails[0].OutputFilePaths[0]; got != "s3://"+bucket+"/thumbnails/"+id+"/talk_thumb_%04d.0000001.jpg" {
		t.Fatalf("frame capture path %s (MediaConvert reports the last capture)", got)
	}
}

func joinStatuses(s []transcode.JobStatus) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = x.String()
	}
	return strings.Join(parts, " ")
}
