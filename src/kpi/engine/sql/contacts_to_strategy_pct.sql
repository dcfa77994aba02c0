-- kind: share
-- covers: this period
-- nothing: no contacts received in the period
-- Contacts received in the period, and those that led to a strategy discussion (not recorded: did not).
SELECT authority, period,
       count(*) FILTER (WHERE strategy_discussion) AS numerator,
       count(*) AS denominator
FROM front_door_contacts_in_period
GROUP BY authority, period
