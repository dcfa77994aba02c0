-- kind: ratio
-- covers: this period
-- nothing: no registrations ended in the period
-- Registrations that ended (deregistration) in the period (PM28): the calendar days from registration to
-- deregistration added up, over how many ended.
SELECT c.authority, p.period,
       sum(date_diff('day', c.registration_date, c.end_date)) AS numerator,
       count(*) AS denominator
FROM child_protection c
JOIN periods p ON c.end_date >= p.period_start AND c.end_date < p.period_after
GROUP BY c.authority, p.period
