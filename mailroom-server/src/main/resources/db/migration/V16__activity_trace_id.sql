-- Issue 15 (tracing). Portable between PostgreSQL and H2 (MODE=PostgreSQL); nullable columns, added without a
-- table rewrite on PostgreSQL.
-- The email's W3C trace context as the operator recorded it (its span that took the submission): later hops that
-- start from the database (a scheduled send, a retry) continue the trace from it, and a webhook's activity links to it.
ALTER TABLE messages ADD COLUMN trace_parent VARCHAR(55);
-- Each activity's email's trace id (32 hex digits), shown on the timeline: the trace to open to see its hops.
ALTER TABLE activities ADD COLUMN trace_id VARCHAR(32);
