-- Record-level contacts received in each period (received_at on or after its first day and before the day
-- after its last, times of day included), with the period's code: one row per contact and period.
SELECT p.period, c.*
FROM contacts c
JOIN periods p ON c.received_at >= p.period_start AND c.received_at < p.period_after
