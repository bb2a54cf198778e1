-- Executions per day and status: how many executions were created each day
-- (UTC), by their current status.
SELECT
    toDate(created) AS day,
    status,
    count() AS executions
FROM executions FINAL
GROUP BY day, status
ORDER BY day, status
