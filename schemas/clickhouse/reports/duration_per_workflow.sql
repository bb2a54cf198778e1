-- p50 and p95 duration (start to end, queue wait excluded) of the completed
-- executions of each workflow.
SELECT
    workflow,
    count() AS executions,
    quantileExact(0.5)(dateDiff('millisecond', started, ended)) AS p50_ms,
    quantileExact(0.95)(dateDiff('millisecond', started, ended)) AS p95_ms
FROM executions FINAL
WHERE status = 'Complete' AND started IS NOT NULL AND ended IS NOT NULL
GROUP BY workflow
ORDER BY workflow
