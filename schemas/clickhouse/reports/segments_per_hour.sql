-- Segments processed per hour (UTC) by outcome: segments whose last move
-- (to complete, failed or skipped) happened in that hour.
SELECT
    toStartOfHour(updated) AS hour,
    status,
    count() AS segments,
    sum(frame_count) AS frames
FROM segments FINAL
WHERE status IN ('complete', 'failed', 'skipped')
GROUP BY hour, status
ORDER BY hour, status
