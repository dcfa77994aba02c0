-- kind: count
-- covers: this period
-- Assessments completed in the period.
SELECT d.authority, p.period, sum(d.completed) AS numerator, NULL AS denominator
FROM assessments_completed_by_day d
JOIN periods p ON d.day >= p.period_start AND d.day < p.period_after
GROUP BY d.authority, p.period
