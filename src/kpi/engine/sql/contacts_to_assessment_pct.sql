-- kind: share
-- covers: this period
-- nothing: no contacts received in the period
-- Contacts received in the period, and those whose outcome was an assessment.
SELECT authority, period,
       count(*) FILTER (WHERE outcome = 'assessment') AS numerator,
       count(*) AS denominator
FROM front_door_contacts_in_period
GROUP BY authority, period
