-- kind: count_among
-- covers: this period
-- Of the assessments open at the end of the period (denominator), those open longer than the timescale
-- (numerator): more than settings.timescale working days from the referral (or the start) to its last day.
SELECT a.authority, a.period,
       count(*) FILTER (WHERE a.working_days_open_at_period_end > s.timescale) AS numerator,
       count(*) AS denominator
FROM assessments_open_at_end a
CROSS JOIN settings s
GROUP BY a.authority, a.period
