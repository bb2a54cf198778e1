-- p50 and p95 run time and queue wait of each operator's completed
-- attempts (operator_runs: queue wait is retry back-off plus time deferred,
-- run time is from the last delivery to the result).
SELECT
    operator,
    count() AS attempts,
    quantileExact(0.5)(run_ms) AS p50_run_ms,
    quantileExact(0.95)(run_ms) AS p95_run_ms,
    quantileExact(0.5)(queue_wait_ms) AS p50_queue_wait_ms,
    quantileExact(0.95)(queue_wait_ms) AS p95_queue_wait_ms
FROM operator_runs FINAL
WHERE status = 'Complete'
GROUP BY operator
ORDER BY operator
