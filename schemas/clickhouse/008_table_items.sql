-- table_items: the latest image of every item of the tables (the
-- compacted tables topic, docs/tables.md), one row per table and item key;
-- a deletion is a row with deleted = true. item and key are DynamoDB's
-- JSON (JSONExtractString(item, 'JobStatus', 'S') reads an attribute).
-- Rows of a deleted table's incarnation stay until their keys are written
-- again: select the live incarnation's table_id.
CREATE TABLE IF NOT EXISTS table_items
(
    table_name  LowCardinality(String),
    table_id    String,
    item_key    String,
    key         String CODEC(ZSTD(3)),
    item        String CODEC(ZSTD(3)),
    deleted     Bool,
    operation   LowCardinality(String),
    request_id  String,
    updated     DateTime64(3, 'UTC'),
    partition   Int32,
    offset      Int64,
    _version    UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (table_name, item_key);
