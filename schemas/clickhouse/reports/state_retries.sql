-- Retries of the Task, Parallel and Map states of each state machine:
-- runs, runs that needed at least one retry, and retries in all.
SELECT
    state_machine,
    state,
    count() AS runs,
    countIf(retries > 0) AS retried_runs,
    sum(retries) AS total_retries
FROM state_runs FINAL
WHERE type IN ('Task', 'Parallel', 'Map')
GROUP BY state_machine, state
ORDER BY state_machine, state
