-- kind: share
-- covers: this period
-- nothing: no contacts received in the period
-- Contacts received in the period, and those from the police (from the records, or the monthly totals).
SELECT c.authority, p.period,
       coalesce(sum(c.contacts) FILTER (WHERE c.source = 'police'), 0) AS numerator,
       sum(c.contacts) AS denominator
FROM received_contacts c
JOIN periods p ON c.received >= p.period_start AND c.received < p.period_after
GROUP BY c.authority, p.period
