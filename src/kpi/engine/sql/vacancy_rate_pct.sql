-- kind: share
-- nothing: no funded posts in the last establishment snapshot
-- empty: no establishment snapshot was taken in the period
-- At the last establishment snapshot in the period: the teams' vacant social worker posts (FTE) over their
-- funded posts (FTE). A post covered by an agency worker is still vacant (DfE).
SELECT authority, period, coalesce(sum(vacant_fte ORDER BY vacant_fte), 0) AS numerator, sum(funded_fte ORDER BY funded_fte) AS denominator
FROM workforce_establishment_snapshot
GROUP BY authority, period
