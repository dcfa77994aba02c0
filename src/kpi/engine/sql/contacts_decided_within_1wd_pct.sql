-- kind: share
-- covers: this period
-- nothing: no contacts received in the period
-- Contacts received in the period, and those decided within 1 working day: working days from the day
-- received to the day decided (by the date, not the hour; the same day is 0). Not yet decided: not in time.
SELECT c.authority, c.period,
       count(*) FILTER (WHERE decided.working_day - received.working_day <= 1) AS numerator,
       count(*) AS denominator
FROM front_door_contacts_in_period c
LEFT JOIN calendar received ON received.day = CAST(c.received_at AS DATE)
LEFT JOIN calendar decided ON decided.day = CAST(c.decision_at AS DATE)
GROUP BY c.authority, c.period
