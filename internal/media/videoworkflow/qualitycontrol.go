package videoworkflow

import (
	"context"
	"fmt"
	"math"
	"os"
	"path"
	"slices"
	"sort"

	"github.com/mie-kafka/mie/internal/media/qc"
	"github.com/mie-kafka/mie/internal/media/transcode"
	"github.com/mie-kafka/mie/internal/problem"
)

// QualityControlInput is what QualityControl passes. MediaConvertJob is
// optional and not in the reference: when the caller passes the transcode
// Job ($[1].Job, which ProcessingComplete keeps as $.mediaConvertJob),
// each output is also checked against the resolution, segment length and
// number of captures its settings ask for.
type QualityControlInput struct {
	JobID           string         `json:"jobId"`
	Outputs         []OutputRef    `json:"outputs"`
	Metadata        *Metadata      `json:"metadata"`
	MediaConvertJob *transcode.Job `json:"mediaConvertJob,omitempty"`
}

// QualityResult is one entry's result, in the reference's shape (bucket,
// key, format, checks, score, file_size; error when nothing could be
// checked), with the files checked and their reports.
type QualityResult struct {
	Bucket   string          `json:"bucket"`
	Key      string          `json:"key"`
	Format   string          `json:"format"`
	Checks   map[string]bool `json:"checks"`
	Score    float64         `json:"score"`
	FileSize int64           `json:"file_size"`
	Passed   bool            `json:"passed"`
	Error    string          `json:"error,omitempty"`
	Files    []FileResult    `json:"files,omitempty"`
}

// FileResult is one checked file (or HLS package).
type FileResult struct {
	Key      string     `json:"key"`
	Passed   bool       `json:"passed"`
	Score    float64    `json:"score"`
	Checks   []qc.Check `json:"checks"`
	Duration float64    `json:"duration,omitempty"`
	Width    int        `json:"width,omitempty"`
	Height   int        `json:"height,omitempty"`
	FileSize int64      `json:"file_size"`
}

// QualityControlOutput is the Lambda's result.
type QualityControlOutput struct {
	StatusCode     int             `json:"statusCode"`
	QualityResults []QualityResult `json:"qualityResults"`
	QualityScore   float64         `json:"qualityScore"`
	Passed         bool            `json:"passed"`
	JobID          string          `json:"jobId"`
}

// MediaQualityControl checks every output entry. qualityScore is the mean
// of the entries' scores, as in the reference; passed is stricter than the
// reference's score >= 0.8: it is true only when every check of every
// entry passed (so one missing segment stops publishing). With a table
// configured it writes SET QualityResults, QualityScore, QCCompletedAt.
func (f *Functions) MediaQualityControl(ctx context.Context, in QualityControlInput) (*QualityControlOutput, error) {
	if in.JobID == "" {
		return nil, problem.Invalid("jobId", "required")
	}
	exp, err := newExpectations(in)
	if err != nil {
		return nil, err
	}
	out := &QualityControlOutput{StatusCode: 200, JobID: in.JobID, Passed: len(in.Outputs) > 0, QualityResults: []QualityResult{}}
	var total float64
	for _, ref := range in.Outputs {
		r, err := f.checkOutput(ctx, ref, exp)
		if err != nil {
			return nil, err
		}
		out.QualityResults = append(out.QualityResults, *r)
		total += r.Score
		out.Passed = out.Passed && r.Passed
	}
	if len(in.Outputs) > 0 {
		out.QualityScore = math.Round(total/float64(len(in.Outputs))*1000) / 1000
	}
	err = f.update(ctx, in.JobID, "SET QualityResults = :results, QualityScore = :score, QCCompletedAt = :timestamp",
		map[string]any{":results": out.QualityResults, ":score": out.QualityScore, ":timestamp": isoformat(f.cfg.Now())})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkOutput resolves an entry and checks what it stands for.
func (f *Functions) checkOutput(ctx context.Context, ref OutputRef, exp *expectations) (*QualityResult, error) {
	r := &QualityResult{Bucket: ref.Bucket, Key: ref.Key, Format: ref.Format, Checks: map[string]bool{}}
	if _, ok := formatExtensions[ref.Format]; !ok {
		r.Checks["format_valid"] = false
		r.Error = fmt.Sprintf("format %q is not checked (mp4, hls and thumbnails are)", ref.Format)
		return r, nil
	}
	prefix, keys, err := f.resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	r.Checks["format_valid"] = true
	r.Checks["file_exists"] = len(keys) > 0
	if len(keys) == 0 {
		r.Error = fmt.Sprintf("no %s output under s3://%s/%s", ref.Format, ref.Bucket, prefix)
		r.finish()
		return r, nil
	}
	dir, err := os.MkdirTemp(f.cfg.WorkDir, "mie-qc-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	switch ref.Format {
	case "mp4":
		err = f.checkFiles(ctx, r, dir, keys, exp)
	case "hls":
		err = f.checkHLS(ctx, r, dir, prefix, keys, exp)
	case "thumbnails":
		err = f.checkCaptures(ctx, r, dir, keys, exp)
	}
	if err != nil {
		return nil, err
	}
	r.finish()
	return r, nil
}

func (f *Functions) checkFiles(ctx context.Context, r *QualityResult, dir string, keys []string, exp *expectations) error {
	for _, key := range keys {
		local, err := f.download(ctx, dir, r.Bucket, key)
		if err != nil {
			return err
		}
		rep, err := f.qc.File(ctx, local, exp.file(r.Bucket, key))
		if err != nil {
			return err
		}
		r.add(key, rep)
	}
	return nil
}

func (f *Functions) checkHLS(ctx context.Context, r *QualityResult, dir, prefix string, keys []string, exp *expectations) error {
	masters, err := f.hlsMasters(ctx, dir, r.Bucket, prefix, keys)
	if err != nil {
		return err
	}
	for _, key := range sortedKeys(masters) {
		e, sizes := exp.hls(r.Bucket, key)
		rep, err := f.qc.HLS(ctx, masters[key], e, sizes)
		if err != nil {
			return err
		}
		r.add(key, &rep.Report)
	}
	return nil
}

func (f *Functions) checkCaptures(ctx context.Context, r *QualityResult, dir string, keys []string, exp *expectations) error {
	// Captures group by stem: talk_thumb.0000000.jpg is of stem talk_thumb.
	groups := map[string][]string{}
	for _, key := range keys {
		local, err := f.download(ctx, dir, r.Bucket, key)
		if err != nil {
			return err
		}
		stem := captureStem(key)
		groups[stem] = append(groups[stem], local)
	}
	for _, stem := range sortedKeys(groups) {
		paths := groups[stem]
		sort.Strings(paths)
		rep, err := f.qc.Captures(ctx, paths, exp.captures(r.Bucket, stem))
		if err != nil {
			return err
		}
		r.add(stem+".*.jpg", rep)
	}
	return nil
}

// captureStem strips ".NNNNNNN.jpg".
func captureStem(key string) string {
	stem := key[:len(key)-len(path.Ext(key))]
	if ext := path.Ext(stem); len(ext) == 8 {
		return stem[:len(stem)-8]
	}
	return stem
}

// add folds one file's report into the entry.
func (r *QualityResult) add(key string, rep *qc.Report) {
	r.Files = append(r.Files, FileResult{Key: key, Passed: rep.Passed, Score: rep.Score, Checks: rep.Checks,
		Duration: rep.Duration, Width: rep.Width, Height: rep.Height, FileSize: rep.Size})
	r.FileSize += rep.Size
	for _, c := range rep.Checks {
		name := string(c.Name)
		if prev, ok := r.Checks[name]; ok {
			r.Checks[name] = prev && c.Passed
		} else {
			r.Checks[name] = c.Passed
		}
	}
	// The reference's size rule: more than 1000 bytes.
	small := rep.Size <= 1000
	if prev, ok := r.Checks["file_size_valid"]; ok {
		small = small || !prev
	}
	r.Checks["file_size_valid"] = !small
}

// finish scores the entry: the share of its checks that passed.
func (r *QualityResult) finish() {
	passed := 0
	for _, ok := range r.Checks {
		if ok {
			passed++
		}
	}
	if len(r.Checks) > 0 {
		r.Score = math.Round(float64(passed)/float64(len(r.Checks))*1000) / 1000
	}
	r.Passed = passed == len(r.Checks) && r.Error == ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
