-- Issue 13 (notifier). Portable between PostgreSQL and H2 (MODE=PostgreSQL).
-- New events no longer wait behind an endpoint's pending deliveries, so nothing asks whether an endpoint has any: the
-- index only cost a write per delivery (the benchmark's endpoint takes about six deliveries per email).
DROP INDEX IF EXISTS webhook_deliveries_by_endpoint_state;
