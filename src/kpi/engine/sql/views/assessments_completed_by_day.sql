-- Assessments completed, counted by authority and day of completion: all of them, those within the
-- timescale (at most settings.timescale working days from the referral, or the start: kpi.yml
-- timescale_from), those late (more) with their working days added up, and those in which the child was
-- seen (not recorded: not seen). An assessment with no date to count from is neither within the timescale
-- nor late. A query sums the days of each period (day >= period_start and day < period_after), so millions
-- of assessments become a few thousand rows per authority before the periods are joined.
WITH completed AS (
    SELECT a.authority, CAST(a.completion_date AS DATE) AS day, a.child_seen,
           done.working_day - began.working_day AS working_days_to_complete
    FROM assessments a
    CROSS JOIN settings s
    LEFT JOIN calendar done ON done.day = CAST(a.completion_date AS DATE)
    LEFT JOIN calendar began
           ON began.day = CAST(CASE WHEN s.timescale_from = 'start' THEN a.start_date ELSE a.referral_date END AS DATE)
    WHERE a.completion_date IS NOT NULL
)
SELECT c.authority, c.day,
       count(*) AS completed,
       count(*) FILTER (WHERE c.working_days_to_complete <= s.timescale) AS within_timescale,
       count(*) FILTER (WHERE c.working_days_to_complete > s.timescale) AS late,
       coalesce(sum(c.working_days_to_complete) FILTER (WHERE c.working_days_to_complete > s.timescale), 0)
           AS late_working_days,
       count(*) FILTER (WHERE c.child_seen) AS child_seen
FROM completed c
CROSS JOIN settings s
GROUP BY c.authority, c.day
