-- projection_versions: which generation of each projection is live. A
-- rebuild (mie projections rebuild NAME) fills generation N+1 into fresh
-- tables, swaps them in with EXCHANGE TABLES and then records N+1 here;
-- running projectors check it before each insert and follow the swap.
CREATE TABLE IF NOT EXISTS projection_versions
(
    name           LowCardinality(String),
    generation     UInt32,
    consumer_group String,
    swapped        DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(generation)
ORDER BY name;
