-- Each child's episode (placement) at the end of each period's last day: begun on or before that day and not
-- ended by it. A child is counted once: should two of their episodes overlap, the one that began last (of two
-- that began the same day, the later episode id, as the pandas measure chooses too).
-- Our children and children other authorities placed here (placed_by_other_authority) are kept apart.
SELECT authority, period, child_id, episode_id, placed_outside, placed_by_other_authority
FROM (
    SELECT e.authority, p.period, e.child_id, e.episode_id, e.placed_outside,
           coalesce(e.placed_by_other_authority, false) AS placed_by_other_authority,
           row_number() OVER (PARTITION BY e.authority, p.period, coalesce(e.placed_by_other_authority, false),
                                           e.child_id
                              ORDER BY e.start_date DESC, e.episode_id DESC) AS latest
    FROM looked_after e
    JOIN periods p ON e.start_date <= p.period_end AND (e.end_date IS NULL OR e.end_date > p.period_end)
) current_episodes
WHERE latest = 1
