-- kind: share
-- covers: this period
-- nothing: no assessments referred in the period
-- Assessments referred in the period (completed or not), and those with a language preference recorded:
-- English, Welsh or other ("not recorded", or nothing, is not).
SELECT a.authority, p.period,
       count(*) FILTER (WHERE a.language IN ('english', 'welsh', 'other')) AS numerator,
       count(*) AS denominator
FROM assessments a
JOIN periods p ON a.referral_date >= p.period_start AND a.referral_date < p.period_after
GROUP BY a.authority, p.period
