-- Assessments open at the end of each period: referred on or before its last day and not completed by the
-- end of it (no completion date, or a later one: a missing date is read as 'infinity', which lets DuckDB join
-- the periods by two inequalities). One row per assessment and period, with the date the
-- timescale is counted from: the referral, or the start (kpi.yml timescale_from).
SELECT a.authority, p.period, p.period_end,
       CASE WHEN s.timescale_from = 'start' THEN a.start_date ELSE a.referral_date END AS counted_from
FROM assessments a
CROSS JOIN settings s
JOIN periods p ON a.referral_date <= p.period_end
              AND coalesce(a.completion_date, TIMESTAMP 'infinity') > p.period_end
