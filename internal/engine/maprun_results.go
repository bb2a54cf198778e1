package engine

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/mie-kafka/mie/events"
)

// A map run's results, as AWS shapes them. Without a ResultWriter the
// Map's result is the array of the children's outputs in item order
// (AWS's COMPACT); a child that failed (tolerated) has its execution's
// record in its place (AWS's NONE). With a ResultWriter bucket the
// records go to results files under <Prefix>/<MapRunId>/ (SUCCEEDED_<n>,
// FAILED_<n>, PENDING_<n>), then the manifest; WriterConfig's
// Transformation (NONE, COMPACT, FLATTEN) and OutputType (JSON, JSONL)
// shape them.

// Results files, in the manifest's order.
const (
	fileSucceeded = iota
	fileFailed
	filePending
	resultFiles
)

var resultFileNames = [resultFiles]string{"SUCCEEDED", "FAILED", "PENDING"}

func fileIndex(status string) int {
	switch status {
	case "SUCCEEDED":
		return fileSucceeded
	case "PENDING":
		return filePending
	}
	return fileFailed
}

// result is a child's result in the Map's output; flatten: a success
// whose array output FLATTEN splices in.
type result struct {
	raw     json.RawMessage
	flatten bool
}

type resultBuffer struct {
	entries []json.RawMessage
	bytes   int
}

type resultFile struct {
	Key  string `json:"Key"`
	Size int64  `json:"Size"`
}

// executionRecord is a child's record in a results file (AWS's
// DescribeExecution, in its PascalCase).
type executionRecord struct {
	Cause               string       `json:"Cause,omitempty"`
	Error               string       `json:"Error,omitempty"`
	ExecutionArn        string       `json:"ExecutionArn"`
	Input               string       `json:"Input"`
	InputDetails        dataDetails  `json:"InputDetails"`
	Name                string       `json:"Name"`
	Output              string       `json:"Output,omitempty"`
	OutputDetails       *dataDetails `json:"OutputDetails,omitempty"`
	RedriveCount        int          `json:"RedriveCount"`
	RedriveStatus       string       `json:"RedriveStatus"`
	RedriveStatusReason string       `json:"RedriveStatusReason"`
	StartDate           string       `json:"StartDate"`
	StateMachineArn     string       `json:"StateMachineArn"`
	Status              string       `json:"Status"`
	StopDate            string       `json:"StopDate,omitempty"`
}

type dataDetails struct {
	Included bool `json:"Included"`
}

// transformation is how results are shaped: COMPACT without a
// ResultWriter, else its WriterConfig's, NONE by default.
func (m *MapRun) transformation() string {
	w := m.Spec.Writer
	switch {
	case w == nil:
		return "COMPACT"
	case w.Transformation != "":
		return w.Transformation
	}
	return "NONE"
}

// toBucket reports whether results go to a ResultWriter's bucket.
func (m *MapRun) toBucket() bool { return m.Spec.Writer != nil && m.Spec.Writer.Bucket != "" }

// record is a child's execution record.
func (m *MapRun) record(e *events.MapRunChildEnded) json.RawMessage {
	sm := m.Spec.StateMachine
	rec := executionRecord{Cause: e.Cause, Error: e.Error, ExecutionArn: firstOf(executionArn(sm.Arn, e.ChildId), e.ChildId),
		Input: string(e.Input), InputDetails: dataDetails{Included: true}, Name: e.ChildId, RedriveStatus: "NOT_REDRIVABLE",
		RedriveStatusReason: "Execution is " + e.Status + " and cannot be redriven", StartDate: timeText(e.Started),
		StateMachineArn: firstOf(sm.Arn, sm.Name), Status: e.Status, StopDate: timeText(e.Stopped)}
	if e.Status == "SUCCEEDED" {
		rec.Output, rec.OutputDetails = string(e.Output), &dataDetails{Included: true}
	}
	raw, _ := json.Marshal(rec) // strings and numbers only
	return raw
}

// addResult keeps a child's result for the output or a results file.
func (m *MapRun) addResult(e *events.MapRunChildEnded, ch runningChild) {
	t := m.transformation()
	succeeded := e.Status == "SUCCEEDED"
	raw := m.record(e)
	if succeeded && t != "NONE" {
		raw = e.Output
		if len(raw) == 0 {
			raw = json.RawMessage("null")
		}
	}
	flatten := succeeded && t == "FLATTEN"
	if !m.toBucket() {
		m.outputs[e.Child] = result{raw: raw, flatten: flatten}
		m.outputBytes += len(raw) + 1
		return
	}
	b := &m.buffers[fileIndex(e.Status)]
	for _, en := range entriesOf(raw, flatten) {
		b.entries = append(b.entries, en)
		b.bytes += len(en) + 1
	}
}

// addPending keeps the record of a child stopped by the map run's
// failure, for the PENDING results.
func (m *MapRun) addPending(ch runningChild) {
	if !m.toBucket() {
		return
	}
	sm := m.Spec.StateMachine
	rec := executionRecord{ExecutionArn: firstOf(executionArn(sm.Arn, ch.id), ch.id), Name: ch.id,
		RedriveStatus: "NOT_REDRIVABLE", RedriveStatusReason: "Execution is ABORTED and cannot be redriven",
		StartDate: timeText(ch.started), StateMachineArn: firstOf(sm.Arn, sm.Name), Status: "ABORTED"}
	raw, _ := json.Marshal(rec)
	b := &m.buffers[filePending]
	b.entries = append(b.entries, raw)
	b.bytes += len(raw) + 1
}

// entriesOf splits a FLATTEN result that is an array into its elements.
func entriesOf(raw json.RawMessage, flatten bool) []json.RawMessage {
	if flatten {
		var elems []json.RawMessage
		if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' && json.Unmarshal(t, &elems) == nil {
			return elems
		}
	}
	return []json.RawMessage{raw}
}

// assemble is the Map's output without a ResultWriter bucket: the results
// in child order.
func (m *MapRun) assemble() json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	n := 0
	for c := 0; c < m.nextChild; c++ {
		r, ok := m.outputs[c]
		if !ok {
			continue
		}
		for _, en := range entriesOf(r.raw, r.flatten) {
			if n > 0 {
				b.WriteByte(',')
			}
			b.Write(en)
			n++
		}
	}
	b.WriteByte(']')
	return b.Bytes()
}

// resultsDir is where the results files go: <Prefix>/<MapRunId>/.
func (m *MapRun) resultsDir() string {
	p := strings.TrimSuffix(m.Spec.Writer.Prefix, "/")
	if p == "" {
		return m.ID + "/"
	}
	return p + "/" + m.ID + "/"
}

// fileKey is the key of part part of results file f.
func (m *MapRun) fileKey(f, part int) string {
	ext := ".json"
	if m.Spec.Writer.OutputType == "JSONL" {
		ext = ".jsonl"
	}
	return m.resultsDir() + resultFileNames[f] + "_" + itoa(part) + ext
}

// manifestKey is the manifest's key.
func (m *MapRun) manifestKey() string { return m.resultsDir() + "manifest.json" }

// chunk is how many entries the next part of results file f holds: its
// first ones, up to FlushEntries and about FlushBytes (at least one).
func (m *MapRun) chunk(f int, o *MapRunOptions) int {
	size, n := 2, 0
	for _, en := range m.buffers[f].entries {
		if n > 0 && (n >= o.flushEntries() || size+len(en) > o.flushBytes()) {
			break
		}
		size += len(en) + 1
		n++
	}
	return n
}

// chunkOf is the array of the first n entries of results file f.
func (m *MapRun) chunkOf(f, n int) json.RawMessage {
	var body bytes.Buffer
	body.WriteByte('[')
	for i, en := range m.buffers[f].entries[:n] {
		if i > 0 {
			body.WriteByte(',')
		}
		body.Write(en)
	}
	body.WriteByte(']')
	return body.Bytes()
}

// manifestBody is the manifest: where the results files are.
func (m *MapRun) manifestBody() json.RawMessage {
	files := map[string][]resultFile{}
	for f, name := range resultFileNames {
		files[name] = m.files[f]
		if files[name] == nil {
			files[name] = []resultFile{}
		}
	}
	raw, _ := json.Marshal(map[string]any{"DestinationBucket": m.Spec.Writer.Bucket, "MapRunArn": m.Spec.MapRunArn,
		"ResultFiles": files})
	return raw
}

// writerDetails is the Map's result with a ResultWriter bucket.
func (m *MapRun) writerDetails() json.RawMessage {
	raw, _ := json.Marshal(map[string]any{"MapRunArn": m.Spec.MapRunArn,
		"ResultWriterDetails": map[string]string{"Bucket": m.Spec.Writer.Bucket, "Key": m.manifestKey()}})
	return raw
}
