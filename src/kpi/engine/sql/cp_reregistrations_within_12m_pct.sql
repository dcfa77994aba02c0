-- kind: share
-- covers: this period; the 12 months before this period
-- nothing: no registrations on the child protection register in the period
-- Registrations in the period (PM27), and those that are re-registrations: the same child (same authority)
-- has a different registration that ended on or before this one's date and no more than 12 months before it.
WITH registered AS (
    SELECT c.authority, p.period, c.child_id, c.registration_id, c.registration_date
    FROM child_protection c
    JOIN periods p ON c.registration_date >= p.period_start AND c.registration_date < p.period_after
)
SELECT r.authority, r.period,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM child_protection earlier
           WHERE earlier.authority = r.authority AND earlier.child_id = r.child_id
             AND earlier.registration_id <> r.registration_id
             AND earlier.end_date <= r.registration_date
             AND earlier.end_date >= r.registration_date - INTERVAL 12 MONTH)) AS numerator,
       count(*) AS denominator
FROM registered r
GROUP BY r.authority, r.period
