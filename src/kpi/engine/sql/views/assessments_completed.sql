-- Assessments completed in each period, one row per assessment and period, with the working days from the
-- referral (or the assessment's start, kpi.yml timescale_from) to completion: NULL when there is no date to
-- count from (then never within the timescale, nor counted as late).
SELECT a.authority, p.period, a.assessment_id, a.child_seen,
       done.working_day - began.working_day AS working_days_to_complete
FROM assessments a
CROSS JOIN settings s
JOIN periods p ON a.completion_date >= p.period_start AND a.completion_date < p.period_after
LEFT JOIN calendar done ON done.day = CAST(a.completion_date AS DATE)
LEFT JOIN calendar began
       ON began.day = CAST(CASE WHEN s.timescale_from = 'start' THEN a.start_date ELSE a.referral_date END AS DATE)
