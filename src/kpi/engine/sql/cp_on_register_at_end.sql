-- kind: count
-- covers: this period
-- Children on the child protection register at the end of the period's last day: registered on or before
-- it and not deregistered by it, each child once however many registrations are open.
SELECT c.authority, p.period, count(DISTINCT c.child_id) AS numerator, NULL AS denominator
FROM child_protection c
JOIN periods p ON c.registration_date <= p.period_end AND (c.end_date IS NULL OR c.end_date > p.period_end)
GROUP BY c.authority, p.period
