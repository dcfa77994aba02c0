-- kind: count
-- covers: this period
-- Assessments completed in the period.
SELECT authority, period, count(*) AS numerator, NULL AS denominator
FROM assessments_completed
GROUP BY authority, period
