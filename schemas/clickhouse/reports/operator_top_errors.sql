-- The five most frequent errors of each operator's failed attempts.
SELECT
    operator,
    error,
    count() AS attempts,
    max(ended) AS last_seen
FROM operator_runs FINAL
WHERE status = 'Error'
GROUP BY operator, error
ORDER BY operator, attempts DESC, error
LIMIT 5 BY operator
