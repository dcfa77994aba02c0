-- kind: share
-- covers: this period
-- nothing: no referrals received in the period
-- Contacts received in the period that were referrals, and those of them from the police (as DfE's
-- referrals by source count them), from the records or the monthly totals.
SELECT c.authority, p.period,
       coalesce(sum(c.contacts) FILTER (WHERE c.source = 'police'), 0) AS numerator,
       sum(c.contacts) AS denominator
FROM received_contacts c
JOIN periods p ON c.received >= p.period_start AND c.received < p.period_after
WHERE c.contact_type = 'referral'
GROUP BY c.authority, p.period
