-- Send limits per organization (issue 12). Portable between PostgreSQL and H2 (MODE=PostgreSQL).
-- An organization's own limits, where set, override its plan's (mailroom.accounts.plans.<plan>.*);
-- NULL means "the plan's". Only the accounts package writes these columns and send_counts.
ALTER TABLE organizations ADD COLUMN limit_per_second INT;
ALTER TABLE organizations ADD COLUMN limit_per_minute INT;
ALTER TABLE organizations ADD COLUMN limit_per_hour INT;
ALTER TABLE organizations ADD COLUMN limit_per_day INT;

-- Emails accepted per organization, in buckets of span_ms milliseconds (bucket = epoch ms / span_ms):
-- a rolling window is the sum of its buckets, shared by every API and operator process and kept across
-- restarts. Rows older than the longest window are deleted.
CREATE TABLE send_counts (
    organization_id VARCHAR(64) NOT NULL,
    span_ms         INT         NOT NULL,
    bucket          BIGINT      NOT NULL,
    sent            INT         NOT NULL,
    PRIMARY KEY (organization_id, span_ms, bucket)
);

-- A message held because its organization was over a send limit when it arrived over AMQP: it waits
-- (SCHEDULED, next_attempt_at = when the window allows) and is counted when it is released.
ALTER TABLE messages ADD COLUMN held_for_limit BOOLEAN NOT NULL DEFAULT FALSE;
