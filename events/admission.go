package events

// Records on the single-partition admission topic, which serializes every
// decision about MaxConcurrentWorkflows.

// AdmissionRequested asks for a slot for a Queued execution.
type AdmissionRequested struct {
	ExecutionId string `json:"ExecutionId"`
}

// SlotReleased frees an execution's slot, or withdraws it from the queue.
type SlotReleased struct {
	ExecutionId string `json:"ExecutionId"`
	Reason      string `json:"Reason"`
}

// ConcurrencyLimitSet changes MaxConcurrentWorkflows; it takes effect when
// the admission processor reads it.
type ConcurrencyLimitSet struct {
	MaxConcurrentWorkflows int `json:"MaxConcurrentWorkflows"`
}

// AdmissionSlot is the admission processor's changelog entry for one
// execution (compacted, keyed by execution id; a tombstone removes it).
type AdmissionSlot struct {
	ExecutionId string `json:"ExecutionId"`
	State       string `json:"State"` // Queued or Running
	Seq         int64  `json:"Seq"`
}

// AdmissionLimit is the changelog entry for the limit and sequence counter.
type AdmissionLimit struct {
	MaxConcurrentWorkflows int   `json:"MaxConcurrentWorkflows"`
	NextSeq                int64 `json:"NextSeq"`
}

func (AdmissionRequested) EventType() string  { return "AdmissionRequested" }
func (SlotReleased) EventType() string        { return "SlotReleased" }
func (ConcurrencyLimitSet) EventType() string { return "ConcurrencyLimitSet" }
func (AdmissionSlot) EventType() string       { return "AdmissionSlot" }
func (AdmissionLimit) EventType() string      { return "AdmissionLimit" }

func init() {
	register(KindCommand, 1, func() Payload { return &AdmissionRequested{} })
	register(KindCommand, 1, func() Payload { return &SlotReleased{} })
	register(KindCommand, 1, func() Payload { return &ConcurrencyLimitSet{} })
	register(KindEvent, 1, func() Payload { return &AdmissionSlot{} })
	register(KindEvent, 1, func() Payload { return &AdmissionLimit{} })
}
