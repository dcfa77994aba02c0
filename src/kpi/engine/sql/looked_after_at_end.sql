-- kind: count
-- covers: this period
-- Our children looked after at the end of the period's last day, each child once.
SELECT authority, period, count(*) AS numerator, NULL AS denominator
FROM looked_after_open_at_end
WHERE NOT placed_by_other_authority
GROUP BY authority, period
