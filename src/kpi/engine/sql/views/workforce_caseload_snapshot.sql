-- The last caseload snapshot taken in each period (on or before its last day), for each authority: every
-- worker's row in it, marked
--   registered:   a registered social worker as the definition counts them (DfE: settings.registered_roles,
--                 team managers included; workforce_definition local: settings.case_holding_roles);
--   case_holding: a social worker or senior practitioner (settings.case_holding_roles), whom the caseload
--                 threshold is about.
-- Support workers are neither.
-- Only the columns the caseload indicators read are kept (not the worker ids, teams or source rows).
-- The snapshot dates are found first (a few a month), so that the periods are joined to them, not to every row.
WITH snapshot_dates AS (
    SELECT DISTINCT authority, snapshot_date FROM caseloads
), last_snapshot AS (
    SELECT d.authority, p.period, max(d.snapshot_date) AS snapshot_date
    FROM snapshot_dates d
    JOIN periods p ON d.snapshot_date >= p.period_start AND d.snapshot_date <= p.period_end
    GROUP BY d.authority, p.period
)
SELECT l.period, c.authority, c.snapshot_date, c.role, c.fte, c.open_cases, c.agency,
       coalesce(list_contains(CASE WHEN s.workforce_definition = 'local' THEN s.case_holding_roles
                                   ELSE s.registered_roles END, c.role), false) AS registered,
       coalesce(list_contains(s.case_holding_roles, c.role), false) AS case_holding
FROM last_snapshot l
JOIN caseloads c ON c.authority = l.authority AND c.snapshot_date = l.snapshot_date
CROSS JOIN settings s
