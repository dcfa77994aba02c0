-- kind: share
-- covers: this period
-- nothing: no assessments completed in the period
-- Assessments completed in the period, and those in which the child was seen (not recorded: not seen).
SELECT d.authority, p.period, sum(d.child_seen) AS numerator, sum(d.completed) AS denominator
FROM assessments_completed_by_day d
JOIN periods p ON d.day >= p.period_start AND d.day < p.period_after
GROUP BY d.authority, p.period
