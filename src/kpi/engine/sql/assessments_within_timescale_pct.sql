-- kind: share
-- covers: this period
-- nothing: no assessments completed in the period
-- Assessments completed in the period, and those completed within the timescale: working days from the
-- referral (or the start, kpi.yml timescale_from) to completion, at most settings.timescale.
SELECT a.authority, a.period,
       count(*) FILTER (WHERE a.working_days_to_complete <= s.timescale) AS numerator,
       count(*) AS denominator
FROM assessments_completed a
CROSS JOIN settings s
GROUP BY a.authority, a.period
