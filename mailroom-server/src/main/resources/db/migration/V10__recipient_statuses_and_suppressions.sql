-- Issue 13. Portable between PostgreSQL and H2 (MODE=PostgreSQL). Only the operator writes these.

-- How many recipients (to, cc, bcc) a message has. A message of one recipient keeps that recipient's status
-- in messages.status alone; a message of several keeps each recipient's in message_recipients.status too.
ALTER TABLE messages ADD COLUMN recipient_count INT NOT NULL DEFAULT 1;

-- A recipient's own current status (by precedence, never lowered but by an admin's retry), for messages of
-- several recipients; NULL for a message of one recipient (its status is the message's).
ALTER TABLE message_recipients ADD COLUMN status VARCHAR(16);
ALTER TABLE message_recipients ADD COLUMN status_rank INT;

-- An organization's suppression list: addresses Mailroom does not send to. email is normalized (trimmed,
-- lower case). reason: hard-bounce | complaint | unsubscribe | soft-bounces | provider | manual.
CREATE TABLE suppressions (
    organization_id    VARCHAR(64)              NOT NULL,
    email              VARCHAR(320)             NOT NULL,
    reason             VARCHAR(32)              NOT NULL,
    -- JSON: what caused it (provider, providerEvent, bounce reply, note of the admin, ...)
    details            TEXT,
    source_message_id  UUID,
    source_activity_id UUID,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by         VARCHAR(320),
    PRIMARY KEY (organization_id, email)
);
CREATE INDEX suppressions_by_org_and_time ON suppressions (organization_id, created_at, email);

-- Soft bounces in a row per address, reset by a delivery: mailroom.suppression.soft-bounce-limit of them
-- suppress the address.
CREATE TABLE soft_bounce_streaks (
    organization_id VARCHAR(64)              NOT NULL,
    email           VARCHAR(320)             NOT NULL,
    bounces         INT                      NOT NULL,
    last_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (organization_id, email)
);
