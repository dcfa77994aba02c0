-- kind: share
-- covers: this period; the 12 months before this period
-- nothing: no referrals about children in the period
-- Referrals about a child (with a child id) received in the period, and the re-referrals among them: those
-- whose child's previous referral, in the same authority, was within the 12 months before it (at or after
-- the same date and time 12 months earlier). Counted by day before the periods are joined.
WITH referrals AS (
    SELECT authority, received_at,
           lag(received_at) OVER (PARTITION BY authority, child_id ORDER BY received_at) AS previous_referral
    FROM contacts
    WHERE contact_type = 'referral' AND about = 'child' AND child_id IS NOT NULL
), by_day AS (
    SELECT authority, CAST(received_at AS DATE) AS day, count(*) AS referrals,
           count(*) FILTER (WHERE previous_referral >= received_at - INTERVAL 12 MONTH) AS rereferrals
    FROM referrals
    GROUP BY authority, day
)
SELECT d.authority, p.period, sum(d.rereferrals) AS numerator, sum(d.referrals) AS denominator
FROM by_day d
JOIN periods p ON d.day >= p.period_start AND d.day < p.period_after
GROUP BY d.authority, p.period
