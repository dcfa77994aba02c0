-- kind: share
-- covers: this period
-- nothing: no assessments completed in the period
-- Assessments completed in the period, and those completed within the timescale: working days from the
-- referral (or the start, kpi.yml timescale_from) to completion, at most settings.timescale.
SELECT d.authority, p.period, sum(d.within_timescale) AS numerator, sum(d.completed) AS denominator
FROM assessments_completed_by_day d
JOIN periods p ON d.day >= p.period_start AND d.day < p.period_after
GROUP BY d.authority, p.period
