-- Contacts received, counted by authority and day: from the records (one contact a row) or, where a council
-- supplies only monthly totals (contact_counts), each month's totals on its first day. Per day: all
-- contacts, those from the police, the referrals and the referrals from the police. A query sums the days
-- of each period (a day is in it when day >= period_start and day < period_after, as a contact's time of
-- day is), so 25 million contacts become a few thousand rows per authority before the periods are joined.
WITH received AS (
    SELECT authority, received_at AS received, source, contact_type, 1 AS contacts
    FROM contacts
    UNION ALL
    SELECT authority, month AS received, source, contact_type, "count" AS contacts
    FROM contact_counts
    WHERE NOT (SELECT has_contacts FROM settings)
)
SELECT authority, CAST(received AS DATE) AS day,
       sum(contacts) AS contacts,
       coalesce(sum(contacts) FILTER (WHERE source = 'police'), 0) AS from_police,
       coalesce(sum(contacts) FILTER (WHERE contact_type = 'referral'), 0) AS referrals,
       coalesce(sum(contacts) FILTER (WHERE contact_type = 'referral' AND source = 'police'), 0)
           AS referrals_from_police
FROM received
GROUP BY authority, day
