-- kind: share
-- covers: this period; the 12 months before this period
-- nothing: no referrals about children in the period
-- Referrals about a child (with a child id) received in the period, and the re-referrals among them: those
-- whose child's previous referral, in the same authority, was within the 12 months before (on or after the
-- same date and time 12 months earlier).
WITH referrals AS (
    SELECT authority, received_at,
           lag(received_at) OVER (PARTITION BY authority, child_id ORDER BY received_at) AS previous_referral
    FROM contacts
    WHERE contact_type = 'referral' AND about = 'child' AND child_id IS NOT NULL
)
SELECT r.authority, p.period,
       count(*) FILTER (WHERE r.previous_referral >= r.received_at - INTERVAL 12 MONTH) AS numerator,
       count(*) AS denominator
FROM referrals r
JOIN periods p ON r.received_at >= p.period_start AND r.received_at < p.period_after
GROUP BY r.authority, p.period
