-- kind: ratio
-- covers: this period
-- nothing: no assessment completed in the period exceeded the timescale
-- Of the assessments completed in the period after the timescale (more than settings.timescale working days
-- from the referral, or the start), the total of their working days (numerator) over how many (denominator).
SELECT d.authority, p.period, sum(d.late_working_days) AS numerator, sum(d.late) AS denominator
FROM assessments_completed_by_day d
JOIN periods p ON d.day >= p.period_start AND d.day < p.period_after
GROUP BY d.authority, p.period
