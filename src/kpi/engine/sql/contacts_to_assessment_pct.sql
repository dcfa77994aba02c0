-- kind: share
-- covers: this period
-- nothing: no contacts received in the period
-- Contacts received in the period, and those whose outcome was an assessment.
SELECT d.authority, p.period, sum(d.to_assessment) AS numerator, sum(d.contacts) AS denominator
FROM front_door_contacts_by_day d
JOIN periods p ON d.day >= p.period_start AND d.day < p.period_after
GROUP BY d.authority, p.period
