package view

// Status is where one projection stands: what GET /projections, GET
// /metrics and `mie projections status` show.
type Status struct {
	// Name is the projection's name: executions, dataplane or segments.
	Name string `json:"Name"`
	// Backend is memory or clickhouse.
	Backend string `json:"Backend"`
	Topic   string `json:"Topic"`
	// Group and Generation are a ClickHouse projection's consumer group
	// and live generation (1, then one more per rebuild); the memory
	// projections have neither: they replay on every start.
	Group      string `json:"Group,omitempty"`
	Generation uint32 `json:"Generation,omitempty"`
	// Partitions are the positions (next offset applied, or committed)
	// against the topic's stable ends; Lag sums their differences.
	Partitions []PartitionStatus `json:"Partitions"`
	Lag        int64             `json:"Lag"`
}

// PartitionStatus is one partition of a Status.
type PartitionStatus struct {
	Partition int32 `json:"Partition"`
	Position  int64 `json:"Position"`
	End       int64 `json:"End"`
	Lag       int64 `json:"Lag"`
}
