package events

// Machine is the engine's state-machine IR, shaped after Amazon States
// Language. MIE workflows compile into it (each stage a Parallel state whose
// branches are one Task each); the compiled machine is stored in the
// ExecutionQueued event so that replaying an execution never depends on the
// compiler of the day.
type Machine struct {
	Comment string            `json:"Comment,omitempty"`
	StartAt string            `json:"StartAt"`
	States  map[string]*State `json:"States"`
}

// State types.
const (
	StateTask     = "Task"
	StateParallel = "Parallel"
	StatePass     = "Pass"
	StateWait     = "Wait"
	StateChoice   = "Choice"
	StateMap      = "Map"
	StateSucceed  = "Succeed"
	StateFail     = "Fail"
)

// State is one state of a Machine. Fields follow ASL; fields a state type
// does not use stay empty.
type State struct {
	Type    string `json:"Type"`
	Comment string `json:"Comment,omitempty"`
	Next    string `json:"Next,omitempty"`
	End     bool   `json:"End,omitempty"`

	// Task
	Resource       string        `json:"Resource,omitempty"`
	Operator       *OperatorTask `json:"Operator,omitempty"`
	TimeoutSeconds int           `json:"TimeoutSeconds,omitempty"`
	Retry          []Retrier     `json:"Retry,omitempty"`
	Catch          []Catcher     `json:"Catch,omitempty"`

	// Parallel: Stage names the MIE stage the state implements.
	Branches []Machine `json:"Branches,omitempty"`
	Stage    string    `json:"Stage,omitempty"`

	// Wait
	Seconds int `json:"Seconds,omitempty"`

	// Fail
	Error string `json:"Error,omitempty"`
	Cause string `json:"Cause,omitempty"`

	// Data flow (JSONPath); interpreted by later States Language support.
	InputPath  string         `json:"InputPath,omitempty"`
	OutputPath string         `json:"OutputPath,omitempty"`
	ResultPath string         `json:"ResultPath,omitempty"`
	Parameters map[string]any `json:"Parameters,omitempty"`
}

// OperatorTask is what a Task state needs to dispatch one MIE operator.
type OperatorTask struct {
	Name           string         `json:"Name"`
	Stage          string         `json:"Stage"`
	Type           string         `json:"Type"` // Sync or Async
	Implementation string         `json:"Implementation"`
	Topic          string         `json:"Topic"`
	Configuration  map[string]any `json:"Configuration"`
}

// Retrier is an ASL Retry entry. MaxAttempts counts retries: 0 means none.
type Retrier struct {
	ErrorEquals     []string `json:"ErrorEquals"`
	IntervalSeconds float64  `json:"IntervalSeconds,omitempty"`
	MaxAttempts     int      `json:"MaxAttempts"`
	BackoffRate     float64  `json:"BackoffRate,omitempty"`
	MaxDelaySeconds float64  `json:"MaxDelaySeconds,omitempty"`
	JitterStrategy  string   `json:"JitterStrategy,omitempty"`
}

// Catcher is an ASL Catch entry: the fallback state after an error.
type Catcher struct {
	ErrorEquals []string `json:"ErrorEquals"`
	Next        string   `json:"Next"`
	ResultPath  string   `json:"ResultPath,omitempty"`
}
