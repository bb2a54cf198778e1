-- execution_events: every event of every execution, for history reads and
-- analytics. The sorting key (execution_id, offset) serves the history of
-- one execution from the primary key; a redelivered event has the same key
-- and version and collapses into one row.
CREATE TABLE IF NOT EXISTS execution_events
(
    execution_id String,
    partition    Int32,
    offset       Int64,
    event_id     String,
    type         LowCardinality(String),
    time         DateTime64(3, 'UTC'),
    path         String,
    stage        LowCardinality(String),
    operator     LowCardinality(String),
    -- data is the payload, queryable as data.Error, data.Attempt, ...; the
    -- compiled machine and the operators' monitor state are skipped (large,
    -- opaque). envelope is the record value as written, which history
    -- reads return unchanged.
    data         JSON(max_dynamic_paths = 256, SKIP Machine, SKIP MonitorState),
    envelope     String CODEC(ZSTD(3)),
    _version     UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(time)
ORDER BY (execution_id, offset);
