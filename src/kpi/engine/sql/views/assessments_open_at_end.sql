-- Assessments open at the end of each period: referred on or before its last day and not completed by the
-- end of it; with the working days from the referral (or the start, kpi.yml timescale_from) to that day
-- (NULL when there is no date to count from).
SELECT a.authority, p.period, a.assessment_id,
       last_day.working_day - began.working_day AS working_days_open_at_period_end
FROM assessments a
CROSS JOIN settings s
JOIN periods p ON a.referral_date <= p.period_end
              AND (a.completion_date IS NULL OR a.completion_date > p.period_end)
JOIN calendar last_day ON last_day.day = CAST(p.period_end AS DATE)
LEFT JOIN calendar began
       ON began.day = CAST(CASE WHEN s.timescale_from = 'start' THEN a.start_date ELSE a.referral_date END AS DATE)
