-- executions: the current state of every execution, one row per execution
-- after merges. Each event of an execution inserts a new row whose _version
-- is the event's log position (see docs/clickhouse.md), so FINAL (or
-- argMax(..., _version)) reads the latest state whatever the merge state.
-- The partition key is the creation month, fixed per execution, so every
-- version of a row lands in the same partition and replaces the others.
CREATE TABLE IF NOT EXISTS executions
(
    execution_id   String,
    asset_id       String,
    workflow       LowCardinality(String),
    status         LowCardinality(String),
    current_stage  LowCardinality(String),
    trigger_source LowCardinality(String),
    created        DateTime64(3, 'UTC'),
    started        Nullable(DateTime64(3, 'UTC')),
    ended          Nullable(DateTime64(3, 'UTC')),
    updated        DateTime64(3, 'UTC'),
    error          String,
    cause          String,
    cancelled      Bool,
    event_count    UInt32,
    -- state is the folded execution as JSON, exactly what the API returns.
    state          String CODEC(ZSTD(3)),
    -- runs holds the projector's open operator attempts (operator_runs in
    -- progress), so that a restarted projector resumes them.
    runs           String CODEC(ZSTD(3)),
    partition      Int32,
    offset         Int64,
    _version       UInt64,
    INDEX idx_asset asset_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(created)
ORDER BY execution_id;
