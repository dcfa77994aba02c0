-- kind: count_among
-- covers: this period
-- Of the assessments open at the end of the period (denominator), those open longer than the timescale
-- (numerator): more than settings.timescale working days from the referral (or the start) to its last day.
-- No date to count from: not over.
SELECT o.authority, o.period,
       count(*) FILTER (WHERE last_day.working_day - began.working_day > s.timescale) AS numerator,
       count(*) AS denominator
FROM assessments_open_at_end o
CROSS JOIN settings s
JOIN calendar last_day ON last_day.day = CAST(o.period_end AS DATE)
LEFT JOIN calendar began ON began.day = CAST(o.counted_from AS DATE)
GROUP BY o.authority, o.period
