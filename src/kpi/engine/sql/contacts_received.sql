-- kind: count
-- covers: this period
-- Contacts received in the period (from the records, or the monthly totals when that is all there is).
SELECT d.authority, p.period, sum(d.contacts) AS numerator, NULL AS denominator
FROM front_door_received_by_day d
JOIN periods p ON d.day >= p.period_start AND d.day < p.period_after
GROUP BY d.authority, p.period
