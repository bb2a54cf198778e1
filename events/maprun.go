package events

import (
	"encoding/json"
	"time"
)

// A distributed Map (ItemProcessor.ProcessorConfig.Mode DISTRIBUTED) runs
// as a map run: an entity of its own, keyed by its id on the commands and
// executions topics, that reads the items, starts one child execution per
// item (or batch), counts their ends and writes their results. The parent
// execution records only that it started the map run (MapRunStarted) and
// how its Map state ended; what happens per item is in the map run's
// history and the children's.
//
//	parent ──StartMapRun──▶ map run ──StartExecution──▶ child (per item or batch)
//	parent ◀──MapRunEnded── map run ◀─ChildExecutionEnded── child
//	parent ──AbortMapRun──▶ map run ──CancelExecution──▶ running children
//
// The map run's own I/O (reading item pages, writing result files) goes to
// the built-in map run worker as task records (OperatorTaskRequest with a
// MapRunRead or MapRunWrite payload), whose answers come back as
// OperatorResults keyed by the map run's id.

// Map run statuses, as DescribeMapRun names them.
const (
	MapRunStatusRunning   = "RUNNING"
	MapRunStatusSucceeded = "SUCCEEDED"
	MapRunStatusFailed    = "FAILED"
	MapRunStatusAborted   = "ABORTED"
)

// Kinds of a map run's tasks (MapRunTaskScheduled.Kind).
const (
	MapRunTaskRead     = "read"
	MapRunTaskWrite    = "write"
	MapRunTaskManifest = "manifest"
)

// MapRunSpec is what a map run runs: the Map state's definition and
// everything the parent evaluated for it (its paths and expressions read
// the parent's input, context and variables, which the map run does not
// have). StartMapRun carries it; MapRunCreated records it.
type MapRunSpec struct {
	MapRunId  string `json:"MapRunId"`
	MapRunArn string `json:"MapRunArn"`
	// Parent is the execution whose Map state started the map run.
	Parent  MapRunParent `json:"Parent"`
	AssetId string       `json:"AssetId,omitempty"`
	// Definition is a state machine whose only state is the Map state
	// (Next, End and the fields the parent applies removed): the map run
	// reads its ItemProcessor, ItemSelector and ItemBatcher from it.
	Definition json.RawMessage `json:"Definition"`
	// StateMachine names what the children run (AWS's
	// <machine>/<label>); ExecutionType is STANDARD or EXPRESS.
	StateMachine  StateMachineRef `json:"StateMachine"`
	ExecutionType string          `json:"ExecutionType"`
	// Input, Context and Variables are what ItemSelector reads: the Map
	// state's input ($, or $states.input), the parent's context object
	// ($$) and the variables visible to the Map state. Set only when the
	// Map has an ItemSelector.
	Input     json.RawMessage            `json:"Input,omitempty"`
	Context   json.RawMessage            `json:"Context,omitempty"`
	Variables map[string]json.RawMessage `json:"Variables,omitempty"`
	// Items are the items when there is no ItemReader (ItemsPath or
	// Items); Reader reads them otherwise.
	Items  json.RawMessage `json:"Items,omitempty"`
	Reader *MapRunReader   `json:"Reader,omitempty"`
	Writer *MapRunWriter   `json:"Writer,omitempty"`
	// Batched: the Map has an ItemBatcher; each child gets
	// {"BatchInput": BatchInput, "Items": [...]} of at most
	// MaxItemsPerBatch items and MaxInputBytesPerBatch bytes (0: no
	// limit of that kind).
	Batched               bool            `json:"Batched,omitempty"`
	BatchInput            json.RawMessage `json:"BatchInput,omitempty"`
	MaxItemsPerBatch      int64           `json:"MaxItemsPerBatch,omitempty"`
	MaxInputBytesPerBatch int64           `json:"MaxInputBytesPerBatch,omitempty"`
	// MaxConcurrency bounds the children running at once.
	MaxConcurrency int `json:"MaxConcurrency"`
	// ToleratedFailureCount and ToleratedFailurePercentage are the Map's
	// tolerance, when it sets them (neither: no failure is tolerated).
	ToleratedFailureCount      *int64   `json:"ToleratedFailureCount,omitempty"`
	ToleratedFailurePercentage *float64 `json:"ToleratedFailurePercentage,omitempty"`
}

// MapRunParent is the execution and Map run that started a map run, and
// the attempt of that run (a retried Map starts a new map run).
type MapRunParent struct {
	ExecutionId string `json:"ExecutionId"`
	Run         int32  `json:"Run"`
	Attempt     int    `json:"Attempt"`
}

// MapRunReader is an ItemReader with its Parameters (or Arguments)
// evaluated: where the items are and how to read them.
type MapRunReader struct {
	// Resource is arn:aws:states:::s3:getObject or
	// arn:aws:states:::s3:listObjectsV2.
	Resource  string `json:"Resource"`
	Bucket    string `json:"Bucket"`
	Key       string `json:"Key,omitempty"`
	Prefix    string `json:"Prefix,omitempty"`
	VersionId string `json:"VersionId,omitempty"`
	// InputType is JSON, JSONL, CSV or MANIFEST (getObject).
	InputType         string   `json:"InputType,omitempty"`
	CSVHeaderLocation string   `json:"CSVHeaderLocation,omitempty"`
	CSVHeaders        []string `json:"CSVHeaders,omitempty"`
	CSVDelimiter      string   `json:"CSVDelimiter,omitempty"`
	ManifestType      string   `json:"ManifestType,omitempty"`
	// MaxItems stops the reading after that many items; 0 reads all.
	MaxItems int64 `json:"MaxItems,omitempty"`
}

// MapRunWriter is a ResultWriter with its Parameters evaluated. Without
// a Bucket (WriterConfig alone), the results are the Map's output,
// formatted by Transformation.
type MapRunWriter struct {
	Bucket string `json:"Bucket,omitempty"`
	Prefix string `json:"Prefix,omitempty"`
	// OutputType is JSON (the default) or JSONL; Transformation NONE (the
	// default with a Bucket), COMPACT or FLATTEN.
	OutputType     string `json:"OutputType,omitempty"`
	Transformation string `json:"Transformation,omitempty"`
}

// MapRunCounts counts a map run's items or child executions by status,
// as DescribeMapRun does.
type MapRunCounts struct {
	Pending   int `json:"Pending"`
	Running   int `json:"Running"`
	Succeeded int `json:"Succeeded"`
	Failed    int `json:"Failed"`
	TimedOut  int `json:"TimedOut"`
	Aborted   int `json:"Aborted"`
	Total     int `json:"Total"`
	// ResultsWritten counts what the ResultWriter wrote.
	ResultsWritten int `json:"ResultsWritten"`
}

// Commands.

// StartMapRun asks the executor to start a map run; keyed by its id.
type StartMapRun struct {
	MapRunSpec
}

// AbortMapRun stops a map run whose parent no longer waits for it (the
// parent was stopped, timed out, or its Map run ended otherwise): its
// running children are stopped. Keyed by the map run's id.
type AbortMapRun struct {
	MapRunId string `json:"MapRunId"`
	Reason   string `json:"Reason"`
}

// MapRunEnded tells a parent execution that the map run its Map run Run
// started ended; keyed by the parent's id. Output is a success's result
// (the children's outputs, or the ResultWriter's details).
type MapRunEnded struct {
	ExecutionId string          `json:"ExecutionId"`
	Run         int32           `json:"Run"`
	MapRunId    string          `json:"MapRunId"`
	MapRunArn   string          `json:"MapRunArn"`
	Status      string          `json:"Status"`
	Output      json.RawMessage `json:"Output,omitempty"`
	Error       string          `json:"Error,omitempty"`
	Cause       string          `json:"Cause,omitempty"`
}

// Events of the parent execution.

// MapRunStarted: a distributed Map run started map run MapRunId (AWS's
// MapRunStarted history event); the run waits for its MapRunEnded.
type MapRunStarted struct {
	RunRef
	MapRunId  string `json:"MapRunId"`
	MapRunArn string `json:"MapRunArn"`
}

// Events of the map run, keyed by its id.

// MapRunCreated is a map run's first event: what it runs.
type MapRunCreated struct {
	MapRunSpec
}

// MapRunTaskScheduled: the map run sent a task to its worker: a read of
// page Page of the items, a write of part Part of the Status results
// file (its first Entries buffered results) or of the manifest, to Key.
type MapRunTaskScheduled struct {
	MapRunId string `json:"MapRunId"`
	TaskId   string `json:"TaskId"`
	Kind     string `json:"Kind"`
	Page     int    `json:"Page,omitempty"`
	Status   string `json:"Status,omitempty"`
	Part     int    `json:"Part,omitempty"`
	Entries  int    `json:"Entries,omitempty"`
	Key      string `json:"Key,omitempty"`
}

// MapRunPageRead: the reader's answer to a read task: Count items (a JSON
// array), the Cursor to read on from, and Done once it read the last.
type MapRunPageRead struct {
	MapRunId string          `json:"MapRunId"`
	TaskId   string          `json:"TaskId"`
	Page     int             `json:"Page"`
	Count    int             `json:"Count"`
	Items    json.RawMessage `json:"Items"`
	Cursor   string          `json:"Cursor,omitempty"`
	Done     bool            `json:"Done,omitempty"`
}

// MapRunChildrenStarted: children First to First+Count-1 were started,
// in order, each on the next items read: Items[i] of them for child
// First+i when Items is set (a batched Map), else one each.
type MapRunChildrenStarted struct {
	MapRunId string `json:"MapRunId"`
	First    int    `json:"First"`
	Count    int    `json:"Count"`
	Items    []int  `json:"Items,omitempty"`
}

// MapRunChildEnded: child Child (execution ChildId) ended with Status
// (SUCCEEDED, FAILED, TIMED_OUT or ABORTED); Input and Output are its
// input and a success's output.
type MapRunChildEnded struct {
	MapRunId string          `json:"MapRunId"`
	Child    int             `json:"Child"`
	ChildId  string          `json:"ChildId"`
	Status   string          `json:"Status"`
	Input    json.RawMessage `json:"Input,omitempty"`
	Output   json.RawMessage `json:"Output,omitempty"`
	Error    string          `json:"Error,omitempty"`
	Cause    string          `json:"Cause,omitempty"`
	Started  time.Time       `json:"Started"`
	Stopped  time.Time       `json:"Stopped"`
}

// MapRunResultsWritten: the worker wrote Key (Size bytes): part Part of
// the Status results file, holding Entries results, or the manifest.
type MapRunResultsWritten struct {
	MapRunId string `json:"MapRunId"`
	TaskId   string `json:"TaskId"`
	Kind     string `json:"Kind"`
	Status   string `json:"Status,omitempty"`
	Part     int    `json:"Part,omitempty"`
	Entries  int    `json:"Entries,omitempty"`
	Key      string `json:"Key"`
	Size     int64  `json:"Size"`
}

// MapRunFailing: the map run failed (more children failed than it
// tolerates) and writes what it has before it ends: no child starts any
// more, and the running ones are stopped (the PENDING results).
type MapRunFailing struct {
	MapRunId string `json:"MapRunId"`
	Error    string `json:"Error"`
	Cause    string `json:"Cause,omitempty"`
}

// MapRunSucceeded: every item was processed; Output is the Map's result.
type MapRunSucceeded struct {
	MapRunId        string          `json:"MapRunId"`
	Output          json.RawMessage `json:"Output"`
	ItemCounts      MapRunCounts    `json:"ItemCounts"`
	ExecutionCounts MapRunCounts    `json:"ExecutionCounts"`
}

// MapRunFailed: the map run failed with Error; its running children were
// stopped.
type MapRunFailed struct {
	MapRunId        string       `json:"MapRunId"`
	Error           string       `json:"Error"`
	Cause           string       `json:"Cause,omitempty"`
	ItemCounts      MapRunCounts `json:"ItemCounts"`
	ExecutionCounts MapRunCounts `json:"ExecutionCounts"`
}

// MapRunAborted: the map run was stopped (AbortMapRun); its running
// children were stopped.
type MapRunAborted struct {
	MapRunId        string       `json:"MapRunId"`
	Reason          string       `json:"Reason"`
	ItemCounts      MapRunCounts `json:"ItemCounts"`
	ExecutionCounts MapRunCounts `json:"ExecutionCounts"`
}

// The payloads of the map run worker's tasks and its answers (inside
// OperatorTaskRequest.Payload and OperatorResult.Output).

// MapRunRead asks for the next page of items: at most Limit items and
// about MaxBytes bytes, from Cursor ("" for the start).
type MapRunRead struct {
	Reader   MapRunReader `json:"Reader"`
	Cursor   string       `json:"Cursor,omitempty"`
	Limit    int          `json:"Limit"`
	MaxBytes int          `json:"MaxBytes"`
}

// MapRunPage is a read's answer: the items, where to go on, and whether
// the reader is at the end.
type MapRunPage struct {
	Items  []json.RawMessage `json:"Items"`
	Cursor string            `json:"Cursor,omitempty"`
	Done   bool              `json:"Done,omitempty"`
}

// MapRunWrite asks for Body to be written to Bucket/Key: as is, or, with
// Lines, each element of the array Body on a line of its own (JSONL).
type MapRunWrite struct {
	Bucket string          `json:"Bucket"`
	Key    string          `json:"Key"`
	Lines  bool            `json:"Lines,omitempty"`
	Body   json.RawMessage `json:"Body"`
}

// MapRunWritten is a write's answer.
type MapRunWritten struct {
	Key  string `json:"Key"`
	Size int64  `json:"Size"`
}

func (StartMapRun) EventType() string           { return "StartMapRun" }
func (AbortMapRun) EventType() string           { return "AbortMapRun" }
func (MapRunEnded) EventType() string           { return "MapRunEnded" }
func (MapRunStarted) EventType() string         { return "MapRunStarted" }
func (MapRunCreated) EventType() string         { return "MapRunCreated" }
func (MapRunTaskScheduled) EventType() string   { return "MapRunTaskScheduled" }
func (MapRunPageRead) EventType() string        { return "MapRunPageRead" }
func (MapRunChildrenStarted) EventType() string { return "MapRunChildrenStarted" }
func (MapRunChildEnded) EventType() string      { return "MapRunChildEnded" }
func (MapRunResultsWritten) EventType() string  { return "MapRunResultsWritten" }
func (MapRunFailing) EventType() string         { return "MapRunFailing" }
func (MapRunSucceeded) EventType() string       { return "MapRunSucceeded" }
func (MapRunFailed) EventType() string          { return "MapRunFailed" }
func (MapRunAborted) EventType() string         { return "MapRunAborted" }

func init() {
	register(KindCommand, 1, func() Payload { return &StartMapRun{} })
	register(KindCommand, 1, func() Payload { return &AbortMapRun{} })
	register(KindCommand, 1, func() Payload { return &MapRunEnded{} })
	register(KindEvent, 1, func() Payload { return &MapRunStarted{} })
	register(KindEvent, 1, func() Payload { return &MapRunCreated{} })
	register(KindEvent, 1, func() Payload { return &MapRunTaskScheduled{} })
	register(KindEvent, 1, func() Payload { return &MapRunPageRead{} })
	register(KindEvent, 1, func() Payload { return &MapRunChildrenStarted{} })
	register(KindEvent, 1, func() Payload { return &MapRunChildEnded{} })
	register(KindEvent, 1, func() Payload { return &MapRunResultsWritten{} })
	register(KindEvent, 1, func() Payload { return &MapRunFailing{} })
	register(KindEvent, 1, func() Payload { return &MapRunSucceeded{} })
	register(KindEvent, 1, func() Payload { return &MapRunFailed{} })
	register(KindEvent, 1, func() Payload { return &MapRunAborted{} })
}

// IsMapRunEvent reports whether p is an event of a map run's own history
// (keyed by the map run's id on the executions topic), which folds into
// a map run rather than an execution.
func IsMapRunEvent(p Payload) bool {
	switch p.(type) {
	case *MapRunCreated, *MapRunTaskScheduled, *MapRunPageRead, *MapRunChildrenStarted, *MapRunChildEnded,
		*MapRunResultsWritten, *MapRunFailing, *MapRunSucceeded, *MapRunFailed, *MapRunAborted:
		return true
	}
	return false
}

// MapRunImplementation is the implementation of the map run worker: its
// task topic is Catalog.Task(MapRunImplementation).
const MapRunImplementation = "builtin:MapRun"
