-- kind: count
-- covers: this period
-- Our children who started a period of care in the period, each child once. An episode starts a period of
-- care when none of the child's episodes that began before it (same authority and child) was still open the
-- day before it began: the latest end among them (an open one latest of all) is before that day, or there
-- is none. An episode ending the day before, or the same day, is a change of placement.
WITH episodes AS (
    SELECT authority, child_id, start_date,
           max(coalesce(end_date, TIMESTAMP '2200-01-01')) OVER (
               PARTITION BY authority, child_id ORDER BY start_date
               RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS latest_earlier_end
    FROM looked_after
    WHERE NOT coalesce(placed_by_other_authority, false)
)
SELECT e.authority, p.period, count(DISTINCT e.child_id) AS numerator, NULL AS denominator
FROM episodes e
JOIN periods p ON e.start_date >= p.period_start AND e.start_date < p.period_after
WHERE e.latest_earlier_end IS NULL OR e.latest_earlier_end < e.start_date - INTERVAL 1 DAY
GROUP BY e.authority, p.period
