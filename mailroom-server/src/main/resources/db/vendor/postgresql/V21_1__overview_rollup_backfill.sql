-- Issue 16 (overview figures). The history stored before V21, counted in overview_counts (V21) as one row per
-- (organization, UTC day of created_at, status). Emails the operator stores or changes from now on add their own rows.
-- Every operator must run this version or later from here on: an older one changes statuses without counting them.
-- PostgreSQL: a timestamptz AT TIME ZONE 'UTC' is the UTC wall-clock time, whatever the session's time zone.
INSERT INTO overview_counts (organization_id, created_on, status, delta)
SELECT organization_id, CAST(created_at AT TIME ZONE 'UTC' AS DATE), status, COUNT(*)
FROM messages
GROUP BY organization_id, CAST(created_at AT TIME ZONE 'UTC' AS DATE), status;
