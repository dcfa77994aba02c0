-- kind: share
-- covers: this period
-- nothing: no contacts received in the period
-- Contacts received in the period, and those from the police (from the records, or the monthly totals).
SELECT d.authority, p.period, sum(d.from_police) AS numerator, sum(d.contacts) AS denominator
FROM front_door_received_by_day d
JOIN periods p ON d.day >= p.period_start AND d.day < p.period_after
GROUP BY d.authority, p.period
