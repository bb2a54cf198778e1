-- Retries and deferrals (say, a GPU worker that is down) of each operator:
-- attempts that were retried, executions that needed a retry, deliveries
-- deferred and the time spent deferred.
SELECT
    operator,
    count() AS attempts,
    countIf(retried) AS retried_attempts,
    uniqExactIf(execution_id, attempt > 1) AS executions_retried,
    sum(deferrals) AS deferrals,
    sum(deferred_ms) AS deferred_ms
FROM operator_runs FINAL
WHERE attempt > 0
GROUP BY operator
ORDER BY operator
