-- kind: share
-- covers: this period
-- nothing: no strategy discussions held in the period
-- Strategy discussions held in the period (by the date held, not the concern's), and those that decided on
-- a section 47 enquiry (not recorded counts as not).
SELECT d.authority, p.period,
       count(*) FILTER (WHERE d.section_47) AS numerator,
       count(*) AS denominator
FROM strategy_discussions d
JOIN periods p ON d.discussion_date >= p.period_start AND d.discussion_date < p.period_after
GROUP BY d.authority, p.period
