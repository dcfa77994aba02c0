-- kind: count
-- covers: this period
-- Cases waiting for a worker at the end of the period: opened on or before its last day, not allocated to a
-- worker and not closed by then.
SELECT authority, period, count(*) AS numerator, NULL AS denominator
FROM allocations_waiting
GROUP BY authority, period
