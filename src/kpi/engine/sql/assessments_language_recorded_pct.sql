-- kind: share
-- covers: this period
-- nothing: no assessments referred in the period
-- Assessments referred in the period (completed or not), and those with a language preference recorded:
-- English, Welsh or other ("not recorded", or nothing, is not). Counted by day of referral first.
WITH by_day AS (
    SELECT authority, CAST(referral_date AS DATE) AS day, count(*) AS referred,
           count(*) FILTER (WHERE language IN ('english', 'welsh', 'other')) AS recorded
    FROM assessments
    GROUP BY authority, day
)
SELECT d.authority, p.period, sum(d.recorded) AS numerator, sum(d.referred) AS denominator
FROM by_day d
JOIN periods p ON d.day >= p.period_start AND d.day < p.period_after
GROUP BY d.authority, p.period
