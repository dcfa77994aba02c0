-- kind: share
-- covers: this period
-- nothing: no assessments completed in the period
-- Assessments completed in the period, and those in which the child was seen (not recorded: not seen).
SELECT authority, period,
       count(*) FILTER (WHERE child_seen) AS numerator,
       count(*) AS denominator
FROM assessments_completed
GROUP BY authority, period
