-- kind: ratio
-- nothing: no social workers in the last snapshot of the period
-- empty: no caseload snapshot was taken in the period
-- At the last caseload snapshot in the period: the open cases held by registered social workers (DfE: team
-- managers and agency workers included), over the FTE of those holding one or more cases.
-- workforce_definition local: social workers and senior practitioners, over all their FTE.
SELECT w.authority, w.period,
       coalesce(sum(w.open_cases) FILTER (WHERE w.registered), 0) AS numerator,
       sum(w.fte ORDER BY w.fte) FILTER (WHERE w.registered AND (s.workforce_definition = 'local'
                                                  OR (w.open_cases >= 1 AND w.fte > 0))) AS denominator
FROM workforce_caseload_snapshot w
CROSS JOIN settings s
GROUP BY w.authority, w.period
