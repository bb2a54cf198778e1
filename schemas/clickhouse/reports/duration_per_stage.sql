-- p50 and p95 duration of each stage of each workflow, from StageStarted to
-- StageCompleted (stages that failed or are still running are left out).
SELECT
    e.workflow AS workflow,
    s.stage AS stage,
    count() AS runs,
    quantileExact(0.5)(s.ms) AS p50_ms,
    quantileExact(0.95)(s.ms) AS p95_ms
FROM
(
    SELECT
        execution_id,
        path,
        any(stage) AS stage,
        dateDiff('millisecond', minIf(time, type = 'StageStarted'), maxIf(time, type = 'StageCompleted')) AS ms
    FROM execution_events FINAL
    WHERE type IN ('StageStarted', 'StageCompleted')
    GROUP BY execution_id, path
    HAVING countIf(type = 'StageStarted') > 0 AND countIf(type = 'StageCompleted') > 0
) AS s
INNER JOIN
(
    SELECT execution_id, workflow
    FROM executions FINAL
) AS e ON e.execution_id = s.execution_id
GROUP BY workflow, stage
ORDER BY workflow, stage
