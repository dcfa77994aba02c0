-- kind: share
-- covers: this period
-- nothing: no referrals received in the period
-- Contacts received in the period that were referrals, and those of them from the police (as DfE's
-- referrals by source count them), from the records or the monthly totals.
SELECT d.authority, p.period, sum(d.referrals_from_police) AS numerator, sum(d.referrals) AS denominator
FROM front_door_received_by_day d
JOIN periods p ON d.day >= p.period_start AND d.day < p.period_after
GROUP BY d.authority, p.period
