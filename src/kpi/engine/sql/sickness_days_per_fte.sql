-- kind: ratio
-- covers: this period
-- nothing: no FTE in post with sickness recorded in the period
-- empty: no establishment snapshot was taken in the period
-- Working days lost to sickness in the period (added up over every establishment snapshot dated in it) over
-- the FTE in post (funded less vacant) at its last snapshot. A team whose sickness is missing from any
-- snapshot of the period is left out of both.
WITH recorded_teams AS (  -- teams with sickness recorded in every snapshot of the period, and their days lost
    SELECT e.authority, p.period, e.team, sum(e.sickness_days ORDER BY e.sickness_days) AS days_lost
    FROM establishment e
    JOIN periods p ON e.snapshot_date >= p.period_start AND e.snapshot_date < p.period_after
    GROUP BY e.authority, p.period, e.team
    HAVING count(*) = count(e.sickness_days)
),
days_lost AS (
    SELECT authority, period, sum(days_lost ORDER BY days_lost) AS days_lost
    FROM recorded_teams
    GROUP BY authority, period
),
in_post AS (  -- the FTE in post of those teams at the last snapshot (a row whenever there is a snapshot)
    SELECT l.authority, l.period, sum(l.in_post_fte ORDER BY l.in_post_fte) FILTER (WHERE t.team IS NOT NULL) AS fte
    FROM workforce_establishment_snapshot l
    LEFT JOIN recorded_teams t ON t.authority = l.authority AND t.period = l.period AND t.team = l.team
    GROUP BY l.authority, l.period
)
SELECT i.authority, i.period, coalesce(d.days_lost, 0) AS numerator, i.fte AS denominator
FROM in_post i
LEFT JOIN days_lost d ON d.authority = i.authority AND d.period = i.period
