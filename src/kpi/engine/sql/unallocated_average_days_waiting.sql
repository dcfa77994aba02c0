-- kind: ratio
-- covers: this period
-- empty: no cases were waiting for a worker at the end of the period
-- The cases waiting for a worker at the end of the period: the calendar days from each one's opening to the
-- last day of the period, added up, over how many cases there are.
SELECT authority, period, sum(days_waiting) AS numerator, count(*) AS denominator
FROM allocations_waiting
GROUP BY authority, period
