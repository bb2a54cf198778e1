-- p50 and p95 duration, in milliseconds, of the ended runs of each state
-- of each state machine (state_runs: a run is one visit of a state, from
-- entering it to leaving it, retries and waits included), and the longest.
SELECT
    state_machine,
    state,
    type,
    count() AS runs,
    quantileExact(0.5)(dateDiff('millisecond', entered, assumeNotNull(ended))) AS p50_ms,
    quantileExact(0.95)(dateDiff('millisecond', entered, assumeNotNull(ended))) AS p95_ms,
    max(dateDiff('millisecond', entered, assumeNotNull(ended))) AS max_ms
FROM state_runs FINAL
WHERE ended IS NOT NULL
GROUP BY state_machine, state, type
ORDER BY state_machine, state
