-- Failure rate of each operator: the share of its ended attempts that
-- ended in Error (retried attempts included; skipped operators are not
-- attempts).
SELECT
    operator,
    countIf(status IN ('Complete', 'Error')) AS attempts,
    countIf(status = 'Error') AS failed,
    round(failed / attempts, 4) AS failure_rate
FROM operator_runs FINAL
WHERE status IN ('Complete', 'Error')
GROUP BY operator
ORDER BY failure_rate DESC, operator
