-- operator_runs: one row per operator attempt (execution, path, attempt),
-- rewritten as the attempt moves and final when it ends. Times:
--   dispatched     the attempt's first Start dispatch (skipped: when skipped)
--   queue_wait_ms  from dispatched until the last delivery of the Start step
--                  was due: the retry back-off before the attempt plus the
--                  time spent deferred (a worker answered Deferred)
--   run_ms         from then until the attempt ended
-- The sorting key starts with the operator, which every report groups by.
CREATE TABLE IF NOT EXISTS operator_runs
(
    operator       LowCardinality(String),
    execution_id   String,
    path           String,
    attempt        UInt16,
    workflow       LowCardinality(String),
    stage          LowCardinality(String),
    task_id        String,
    status         LowCardinality(String),
    dispatched     DateTime64(3, 'UTC'),
    ended          Nullable(DateTime64(3, 'UTC')),
    deliveries     UInt16,
    deferrals      UInt16,
    backoff_ms     UInt64,
    deferred_ms    UInt64,
    queue_wait_ms  UInt64,
    run_ms         Nullable(UInt64),
    retried        Bool,
    error          String,
    cause          String,
    partition      Int32,
    offset         Int64,
    _version       UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(dispatched)
ORDER BY (operator, execution_id, path, attempt);
