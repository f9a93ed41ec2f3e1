-- Issue 16 (overview figures). The history stored before V21, counted in overview_counts (V21) as one row per
-- (organization, UTC day of created_at, status). Emails the operator stores or changes from now on add their own rows.
-- Every operator must run this version or later from here on: an older one changes statuses without counting them.
-- H2: a CAST of TIMESTAMP WITH TIME ZONE to DATE takes the session's time zone (the JVM's), even after AT TIME ZONE;
-- the day formatted in UTC does not.
INSERT INTO overview_counts (organization_id, created_on, status, delta)
SELECT organization_id, CAST(FORMATDATETIME(created_at, 'yyyy-MM-dd', 'en', 'UTC') AS DATE), status, COUNT(*)
FROM messages
GROUP BY organization_id, CAST(FORMATDATETIME(created_at, 'yyyy-MM-dd', 'en', 'UTC') AS DATE), status;
