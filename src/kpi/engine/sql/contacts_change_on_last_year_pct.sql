-- kind: change
-- covers: this period; this period a year earlier
-- nothing: no contacts in the same period a year earlier
-- Contacts received in the period (numerator) against those received in the same period a year earlier
-- (denominator), from the records or the monthly totals. Every authority and period has a row, so that a
-- period with no contacts against a year earlier with some is a fall of 100%.
WITH this_year AS (
    SELECT c.authority, p.period, sum(c.contacts) AS contacts
    FROM received_contacts c
    JOIN periods p ON c.received >= p.period_start AND c.received < p.period_after
    GROUP BY c.authority, p.period
), a_year_earlier AS (
    SELECT c.authority, p.period, sum(c.contacts) AS contacts
    FROM received_contacts c
    JOIN periods p ON c.received >= p.earlier_start AND c.received < p.earlier_after
    GROUP BY c.authority, p.period
)
SELECT g.authority, g.period,
       coalesce(t.contacts, 0) AS numerator,
       coalesce(e.contacts, 0) AS denominator
FROM grid g
LEFT JOIN this_year t ON t.authority = g.authority AND t.period = g.period
LEFT JOIN a_year_earlier e ON e.authority = g.authority AND e.period = g.period
