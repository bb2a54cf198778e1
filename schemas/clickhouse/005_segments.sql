-- segments: the current state of every segment (its last
-- SegmentStatusChanged), with the times of its first and last moves.
-- Point lookups use the key; a session's segments use the bloom filter.
CREATE TABLE IF NOT EXISTS segments
(
    segment_id            String,
    session_id            String,
    user_id               String,
    window_index          Int32,
    frame_count           Int32,
    status                LowCardinality(String),
    previous              LowCardinality(String),
    reason                String,
    deliveries            Int32,
    redrives              Int32,
    workflow_execution_id String,
    transcript            String CODEC(ZSTD(3)),
    caption               String CODEC(ZSTD(3)),
    enriched              Bool,
    entity_count          Int32,
    triple_count          Int32,
    visual_stored         Bool,
    created               DateTime64(3, 'UTC'),
    updated               DateTime64(3, 'UTC'),
    partition             Int32,
    offset                Int64,
    _version              UInt64,
    INDEX idx_session session_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(created)
ORDER BY segment_id;
