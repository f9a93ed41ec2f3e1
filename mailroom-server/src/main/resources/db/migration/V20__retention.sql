-- Issue 16 (item 3): retention. Portable between PostgreSQL and H2 (MODE=PostgreSQL).

-- How long an organization's emails keep their content (bodies, attachments: message_contents) and their history
-- (the email and every row about it), in days. Written only by the accounts package; the operator's retention worker
-- reads them. Constant defaults: no table rewrite on PostgreSQL.
ALTER TABLE organizations ADD COLUMN content_retention_days INT NOT NULL DEFAULT 30;
ALTER TABLE organizations ADD COLUMN history_retention_days INT NOT NULL DEFAULT 400;
ALTER TABLE organizations ADD CONSTRAINT organizations_retention_days
    CHECK (content_retention_days BETWEEN 1 AND 3650 AND history_retention_days BETWEEN 1 AND 3650
        AND content_retention_days <= history_retention_days);

-- Where each organization's content expiry got to: every email recorded before content_expired_before was looked at
-- (its content deleted, or kept because the email still needed it). The next run starts a little before it, not
-- from the organization's first email, whose contents are long gone. Written only by the operator.
CREATE TABLE retention_progress (
    organization_id        VARCHAR(64)              PRIMARY KEY,
    content_expired_before TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at             TIMESTAMP WITH TIME ZONE NOT NULL
);

-- An expired email's idempotency key goes with it: found by the email, not by a scan of the organization's keys.
CREATE INDEX idempotency_keys_by_message ON idempotency_keys (message_id);
