-- kind: share
-- covers: this period
-- nothing: no strategy discussions about concerns raised in the period
-- Strategy discussions about concerns raised in the period, and those held within the local timescale:
-- working days from the concern to the discussion (the concern's day not counted, the discussion's is) at
-- most settings.strategy_timescale. A discussion not yet held is not held in time.
SELECT d.authority, p.period,
       count(*) FILTER (WHERE held.working_day - raised.working_day <= s.strategy_timescale) AS numerator,
       count(*) AS denominator
FROM strategy_discussions d
CROSS JOIN settings s
JOIN periods p ON d.concern_date >= p.period_start AND d.concern_date < p.period_after
LEFT JOIN calendar raised ON raised.day = CAST(d.concern_date AS DATE)
LEFT JOIN calendar held ON held.day = CAST(d.discussion_date AS DATE)
GROUP BY d.authority, p.period
