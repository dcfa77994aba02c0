-- kind: share
-- covers: this period
-- nothing: no contacts received in the period
-- Contacts received in the period, and those decided within 1 working day: working days from the day
-- received to the day decided (by the date, not the hour; the same day is 0). Not yet decided: not in time.
-- The contacts are first counted by the day received and the day decided, so the calendar is looked up
-- once per pair of days rather than per contact.
WITH by_day AS (
    SELECT authority, CAST(received_at AS DATE) AS received, CAST(decision_at AS DATE) AS decided,
           count(*) AS contacts
    FROM contacts
    GROUP BY authority, received, decided
)
SELECT d.authority, p.period,
       coalesce(sum(d.contacts) FILTER (WHERE decided.working_day - received.working_day <= 1), 0) AS numerator,
       sum(d.contacts) AS denominator
FROM by_day d
JOIN periods p ON d.received >= p.period_start AND d.received < p.period_after
LEFT JOIN calendar received ON received.day = d.received
LEFT JOIN calendar decided ON decided.day = d.decided
GROUP BY d.authority, p.period
