-- kind: count
-- covers: this period
-- Children other authorities look after and have placed in our area, at the end of the period's last day,
-- each child once (never counted as ours).
SELECT authority, period, count(*) AS numerator, NULL AS denominator
FROM looked_after_open_at_end
WHERE placed_by_other_authority
GROUP BY authority, period
