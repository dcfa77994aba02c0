-- kind: count_among
-- empty: no caseload snapshot was taken in the period
-- At the last caseload snapshot in the period: the social workers and senior practitioners whose caseload is
-- over settings.caseload_threshold - their open cases per FTE (18 cases at 0.8 FTE is 22.5), or their open
-- cases as they are when caseload_threshold_per is 'worker' - among all of them.
SELECT w.authority, w.period,
       count(*) FILTER (WHERE w.case_holding
                          AND CASE WHEN s.caseload_threshold_per = 'fte' THEN w.open_cases / w.fte
                                   ELSE w.open_cases END > s.caseload_threshold) AS numerator,
       count(*) FILTER (WHERE w.case_holding) AS denominator
FROM workforce_caseload_snapshot w
CROSS JOIN settings s
GROUP BY w.authority, w.period
