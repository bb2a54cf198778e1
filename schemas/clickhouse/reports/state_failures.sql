-- Failures of the runs of each state by error: runs that failed (the
-- error went up) and runs whose error a Catch took, and when it was last
-- seen.
SELECT
    state_machine,
    state,
    error,
    countIf(status = 'FAILED') AS failed,
    countIf(status = 'CAUGHT') AS caught,
    max(ended) AS last_seen
FROM state_runs FINAL
WHERE error != ''
GROUP BY state_machine, state, error
ORDER BY state_machine, state, failed + caught DESC, error
