-- Cases waiting for a worker at the end of each period: opened on or before its last day, and neither
-- allocated to a worker nor closed by then (allocated or closed on the last day: no longer waiting); with
-- the calendar days from opening to that last day.
SELECT a.authority, p.period, a.case_id, date_diff('day', a.opened_date, p.period_end) AS days_waiting
FROM allocations a
JOIN periods p ON a.opened_date <= p.period_end
WHERE (a.allocated_date IS NULL OR a.allocated_date > p.period_end)
  AND (a.closed_date IS NULL OR a.closed_date > p.period_end)
