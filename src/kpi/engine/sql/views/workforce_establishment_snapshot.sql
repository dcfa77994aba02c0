-- The last establishment snapshot taken in each period (on or before its last day), for each authority:
-- every team's row in it, with its FTE in post (funded posts less vacant ones).
WITH last_snapshot AS (
    SELECT e.authority, p.period, max(e.snapshot_date) AS snapshot_date
    FROM establishment e
    JOIN periods p ON e.snapshot_date >= p.period_start AND e.snapshot_date <= p.period_end
    GROUP BY e.authority, p.period
)
SELECT l.period, e.*, e.funded_fte - e.vacant_fte AS in_post_fte
FROM last_snapshot l
JOIN establishment e ON e.authority = l.authority AND e.snapshot_date = l.snapshot_date
