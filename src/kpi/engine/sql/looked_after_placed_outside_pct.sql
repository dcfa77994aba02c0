-- kind: share
-- covers: this period
-- nothing: no children looked after at the end of the period
-- Our children looked after at the end of the period (each once), and those whose placement then is outside
-- the authority's area (placed_outside; not recorded counts as inside).
SELECT authority, period,
       count(*) FILTER (WHERE placed_outside) AS numerator,
       count(*) AS denominator
FROM looked_after_open_at_end
WHERE NOT placed_by_other_authority
GROUP BY authority, period
