-- Record-level contacts counted by authority and the day received: all contacts, those that led to a
-- strategy discussion (not recorded: did not) and those whose outcome was an assessment.
SELECT authority, CAST(received_at AS DATE) AS day,
       count(*) AS contacts,
       count(*) FILTER (WHERE strategy_discussion) AS to_strategy,
       count(*) FILTER (WHERE outcome = 'assessment') AS to_assessment
FROM contacts
GROUP BY authority, day
