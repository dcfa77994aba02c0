-- kind: count
-- covers: this period
-- Assessments open at the end of the period: referred on or before its last day, not completed by the end of it.
SELECT authority, period, count(*) AS numerator, NULL AS denominator
FROM assessments_open_at_end
GROUP BY authority, period
