-- kind: count
-- covers: this period
-- Registrations on the child protection register in the period: every registration, so a child registered
-- twice is counted twice.
SELECT c.authority, p.period, count(*) AS numerator, NULL AS denominator
FROM child_protection c
JOIN periods p ON c.registration_date >= p.period_start AND c.registration_date < p.period_after
GROUP BY c.authority, p.period
