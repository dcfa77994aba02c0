-- kind: change
-- covers: this period; this period a year earlier
-- nothing: no contacts in the same period a year earlier
-- Contacts received in the period (numerator) against those received in the same period a year earlier
-- (denominator), from the records or the monthly totals; the days of both are read in one pass. Every
-- authority and period has a row, so that a period with no contacts against a year earlier with some is a
-- fall of 100%.
WITH counted AS (
    SELECT d.authority, p.period,
           sum(d.contacts) FILTER (WHERE d.day >= p.period_start AND d.day < p.period_after) AS this_year,
           sum(d.contacts) FILTER (WHERE d.day >= p.earlier_start AND d.day < p.earlier_after) AS a_year_earlier
    FROM front_door_received_by_day d
    JOIN periods p ON (d.day >= p.period_start AND d.day < p.period_after)
                   OR (d.day >= p.earlier_start AND d.day < p.earlier_after)
    GROUP BY d.authority, p.period
)
SELECT g.authority, g.period,
       coalesce(c.this_year, 0) AS numerator,
       coalesce(c.a_year_earlier, 0) AS denominator
FROM grid g
LEFT JOIN counted c ON c.authority = g.authority AND c.period = g.period
