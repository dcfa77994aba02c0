-- kind: share
-- Agency social workers at the last snapshot in the period, among those whose agency status is recorded.
-- From the teams' establishment when it is supplied (DfE): agency FTE over agency FTE plus the FTE in post
-- (funded less vacant), among the teams whose agency FTE is recorded. Otherwise from the caseload snapshot:
-- the FTE of agency registered social workers over the FTE of all of them (DfE), or, when
-- workforce_definition is local, social workers and senior practitioners counted by head.
WITH source AS (
    SELECT has_establishment AND workforce_definition <> 'local' AS from_establishment,
           workforce_definition = 'local' AS by_head, has_caseloads
    FROM settings
),
from_establishment AS (
    SELECT authority, period,
           coalesce(sum(agency_fte ORDER BY agency_fte), 0) AS numerator,
           sum(agency_fte ORDER BY agency_fte) + sum(in_post_fte ORDER BY in_post_fte) FILTER (WHERE agency_fte IS NOT NULL) AS denominator
    FROM workforce_establishment_snapshot
    GROUP BY authority, period
),
from_caseloads AS (
    SELECT w.authority, w.period,
           CASE WHEN s.by_head THEN count(*) FILTER (WHERE w.registered AND w.agency)
                ELSE coalesce(sum(w.fte ORDER BY w.fte) FILTER (WHERE w.registered AND w.agency), 0) END AS numerator,
           CASE WHEN s.by_head THEN count(*) FILTER (WHERE w.registered AND w.agency IS NOT NULL)
                ELSE sum(w.fte ORDER BY w.fte) FILTER (WHERE w.registered AND w.agency IS NOT NULL) END AS denominator
    FROM workforce_caseload_snapshot w
    CROSS JOIN source s
    GROUP BY w.authority, w.period, s.by_head
),
rate AS (
    SELECT * FROM from_establishment WHERE (SELECT from_establishment FROM source)
    UNION ALL
    SELECT * FROM from_caseloads WHERE NOT (SELECT from_establishment FROM source)
)
SELECT g.authority, g.period, r.numerator, r.denominator,
       CASE WHEN s.from_establishment THEN
                CASE WHEN r.period IS NULL THEN 'no establishment snapshot was taken in the period'
                     WHEN coalesce(r.denominator, 0) = 0
                     THEN 'no social workers in post or agency in the last establishment snapshot' END
            WHEN NOT s.has_caseloads THEN 'no caseloads data (not in kpi.yml, or `kpi ingest` not run)'
            WHEN r.period IS NULL THEN 'no caseload snapshot was taken in the period'
            WHEN coalesce(r.denominator, 0) = 0
            THEN 'no social workers with agency status recorded in the last snapshot' END AS reason,
       CASE WHEN NOT s.from_establishment AND NOT s.has_caseloads THEN 'caseloads' END AS missing_source
FROM grid g
CROSS JOIN source s
LEFT JOIN rate r ON r.authority = g.authority AND r.period = g.period
