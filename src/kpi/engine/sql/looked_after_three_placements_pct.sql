-- kind: share
-- covers: this period; the 12 months up to the end of this period
-- nothing: no children looked after at the end of the period
-- Our children looked after at the end of the period (each once), and those with three or more of our
-- episodes (placements) in the 12 months up to the period's last day: every episode begun by that day and
-- not ended before the 12 months began (the one a child was in when they began counts as one).
WITH placements AS (
    SELECT e.authority, p.period, e.child_id, count(*) AS placements
    FROM looked_after e
    JOIN periods p ON e.start_date <= p.period_end
                  AND (e.end_date IS NULL OR e.end_date >= p.year_to_end_start)
    WHERE NOT coalesce(e.placed_by_other_authority, false)
    GROUP BY e.authority, p.period, e.child_id
)
SELECT c.authority, c.period,
       count(*) FILTER (WHERE n.placements >= 3) AS numerator,
       count(*) AS denominator
FROM looked_after_open_at_end c
LEFT JOIN placements n ON n.authority = c.authority AND n.period = c.period AND n.child_id = c.child_id
WHERE NOT c.placed_by_other_authority
GROUP BY c.authority, c.period
