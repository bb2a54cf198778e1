-- States Language runs (executions started since the ASL engine): which
-- state machine an execution runs and its Step Functions status on the
-- executions row, and one row per run of a state in state_runs, rewritten
-- as the run moves and final when it ends. A run is one visit of one
-- state; Parallel branches and Map iterations name their Parallel or Map
-- run as parent and their branch or item index as slot.
ALTER TABLE executions ADD COLUMN IF NOT EXISTS state_machine LowCardinality(String) DEFAULT '' AFTER event_count;
ALTER TABLE executions ADD COLUMN IF NOT EXISTS run_status LowCardinality(String) DEFAULT '' AFTER state_machine;

CREATE TABLE IF NOT EXISTS state_runs
(
    execution_id   String,
    run            Int32,
    parent         Int32,
    slot           Int32,
    state_machine  LowCardinality(String),
    state          String,
    type           LowCardinality(String),
    visit          Int32,
    status         LowCardinality(String),
    attempt        Int32,
    retries        Int32,
    error          String,
    cause          String,
    resource       String,
    input_bytes    Int64,
    output_bytes   Int64,
    entered        DateTime64(3, 'UTC'),
    ended          Nullable(DateTime64(3, 'UTC')),
    partition      Int32,
    offset         Int64,
    _version       UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(entered)
ORDER BY (state_machine, execution_id, run);
