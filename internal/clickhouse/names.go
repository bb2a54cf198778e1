package clickhouse

// The projections' names: each names its consumer groups and its row in
// projection_versions, so the writer and the reader must agree on them.
const (
	ProjectionExecutions = "executions"
	ProjectionDataplane  = "dataplane"
	ProjectionSegments   = "segments"
	ProjectionTables     = "tables"
)
