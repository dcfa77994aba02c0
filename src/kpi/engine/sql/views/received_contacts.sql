-- Contacts received, one row per contact with `contacts` = 1; or, where a council supplies only monthly
-- totals (contact_counts), one row per month, source and type with `contacts` = the month's count.
SELECT authority, received_at AS received, source, contact_type, 1 AS contacts
FROM contacts
UNION ALL
SELECT authority, month AS received, source, contact_type, "count" AS contacts
FROM contact_counts
WHERE NOT (SELECT has_contacts FROM settings)
