-- kind: per_10000
-- covers: this period
-- nothing: no child population in kpi.yml (child_population)
-- Our children looked after at the end of the period (each once) per 10,000 children living in the area
-- (kpi.yml child_population). Every authority and period has a row: none looked after is a rate of 0.
SELECT g.authority, g.period, count(c.child_id) AS numerator, s.child_population AS denominator
FROM grid g
CROSS JOIN settings s
LEFT JOIN looked_after_open_at_end c
       ON c.authority = g.authority AND c.period = g.period AND NOT c.placed_by_other_authority
GROUP BY g.authority, g.period, s.child_population
