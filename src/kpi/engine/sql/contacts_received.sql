-- kind: count
-- covers: this period
-- Contacts received in the period (from the records, or the monthly totals when that is all there is).
SELECT c.authority, p.period, sum(c.contacts) AS numerator, NULL AS denominator
FROM received_contacts c
JOIN periods p ON c.received >= p.period_start AND c.received < p.period_after
GROUP BY c.authority, p.period
