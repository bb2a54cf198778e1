-- The data plane: assets, their media objects and their operators'
-- metadata pages, folded from the dataplane topic (keyed by asset id, so
-- offsets order each asset's changes).

-- assets: the latest AssetCreated or AssetDeleted of each asset. A deleted
-- asset's row has deleted = 1; offset is the position of that event, and
-- media and metadata older than the asset's creation are not shown.
CREATE TABLE IF NOT EXISTS assets
(
    asset_id   String,
    media_type LowCardinality(String),
    s3_bucket  String,
    s3_key     String,
    created    DateTime64(3, 'UTC'),
    deleted    Bool,
    partition  Int32,
    offset     Int64,
    _version   UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY asset_id;

-- asset_media: every MediaObjectAdded, in log order per asset.
CREATE TABLE IF NOT EXISTS asset_media
(
    asset_id              String,
    offset                Int64,
    partition             Int32,
    media_type            LowCardinality(String),
    s3_bucket             String,
    s3_key                String,
    operator              LowCardinality(String),
    workflow_execution_id String,
    added                 DateTime64(3, 'UTC'),
    _version              UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (asset_id, offset);

-- asset_metadata: one row per stored page, keyed (asset, operator, page).
-- Page 0 starts a new result of the operator, so pages older than the
-- latest page 0 are not shown; MetadataDeleted inserts a tombstone row
-- with page = -1. results is the operator's JSON as stored (any JSON value,
-- so String; query it with JSONExtract*); a claim-checked page has ref_* set
-- instead.
CREATE TABLE IF NOT EXISTS asset_metadata
(
    asset_id     String,
    operator     LowCardinality(String),
    page         Int32,
    workflow_id  String,
    final        Bool,
    results      String CODEC(ZSTD(3)),
    ref_bucket   String,
    ref_key      String,
    ref_size     Int64,
    ref_sha256   String,
    stored       DateTime64(3, 'UTC'),
    partition    Int32,
    offset       Int64,
    _version     UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (asset_id, operator, page);
