-- Queue wait under MaxConcurrentWorkflows: from ExecutionQueued to
-- ExecutionStarted (the admission grant), per day the execution was queued.
SELECT
    toDate(queued) AS day,
    count() AS executions,
    quantileExact(0.5)(wait_ms) AS p50_ms,
    quantileExact(0.95)(wait_ms) AS p95_ms,
    max(wait_ms) AS max_ms
FROM
(
    SELECT
        execution_id,
        minIf(time, type = 'ExecutionQueued') AS queued,
        dateDiff('millisecond', queued, minIf(time, type = 'ExecutionStarted')) AS wait_ms
    FROM execution_events FINAL
    WHERE type IN ('ExecutionQueued', 'ExecutionStarted')
    GROUP BY execution_id
    HAVING countIf(type = 'ExecutionQueued') > 0 AND countIf(type = 'ExecutionStarted') > 0
)
GROUP BY day
ORDER BY day
