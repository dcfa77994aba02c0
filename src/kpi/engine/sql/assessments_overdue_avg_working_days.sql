-- kind: ratio
-- covers: this period
-- nothing: no assessment completed in the period exceeded the timescale
-- Of the assessments completed in the period after the timescale (more than settings.timescale working days
-- from the referral, or the start), the total of their working days (numerator) over how many (denominator).
SELECT a.authority, a.period,
       sum(a.working_days_to_complete) AS numerator,
       count(*) AS denominator
FROM assessments_completed a
CROSS JOIN settings s
WHERE a.working_days_to_complete > s.timescale
GROUP BY a.authority, a.period
