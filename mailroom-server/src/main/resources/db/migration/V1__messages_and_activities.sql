-- Portable between PostgreSQL and H2 (MODE=PostgreSQL): no partial indexes, no PL/pgSQL.
-- Only the operator writes these tables; the API reads them.

CREATE TABLE messages (
    id                  UUID PRIMARY KEY,
    organization_id     VARCHAR(64)              NOT NULL,
    from_email          VARCHAR(320)             NOT NULL,
    subject             VARCHAR(998)             NOT NULL,
    -- The whole Email as JSON: what a retry or a released scheduled send dispatches again.
    content             TEXT                     NOT NULL,
    requested_provider  VARCHAR(32),
    provider            VARCHAR(32),
    provider_message_id VARCHAR(255),
    status              VARCHAR(16)              NOT NULL,
    status_rank         INT                      NOT NULL,
    attempts            INT                      NOT NULL DEFAULT 0,
    -- When the operator should dispatch next (scheduled send or retry); null when nothing is due.
    next_attempt_at     TIMESTAMP WITH TIME ZONE,
    send_at             TIMESTAMP WITH TIME ZONE,
    submitted_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX messages_by_org_and_time ON messages (organization_id, created_at, id);
CREATE INDEX messages_by_provider_message_id ON messages (provider_message_id);
CREATE INDEX messages_due ON messages (next_attempt_at);

CREATE TABLE message_recipients (
    message_id UUID         NOT NULL REFERENCES messages (id),
    position   INT          NOT NULL,
    kind       VARCHAR(3)   NOT NULL,
    email      VARCHAR(320) NOT NULL,
    name       VARCHAR(256),
    member_id  VARCHAR(128),
    PRIMARY KEY (message_id, position)
);
CREATE INDEX recipients_by_email ON message_recipients (email);
CREATE INDEX recipients_by_member ON message_recipients (member_id);

CREATE TABLE message_tags (
    message_id UUID        NOT NULL REFERENCES messages (id),
    tag        VARCHAR(64) NOT NULL,
    PRIMARY KEY (message_id, tag)
);
CREATE INDEX tags_by_tag ON message_tags (tag);

-- One row per fact. The id is deterministic (see dev.mailroom.contracts.Ids), so a redelivered
-- or duplicated report collides on the key and is not stored twice. message_id is null for
-- provider events we could not match yet: they are kept, never dropped.
CREATE TABLE activities (
    id                  UUID PRIMARY KEY,
    message_id          UUID,
    status              VARCHAR(16)              NOT NULL,
    occurred_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    recorded_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    recipient           VARCHAR(320),
    provider            VARCHAR(32),
    provider_message_id VARCHAR(255),
    provider_event      VARCHAR(64),
    details             TEXT
);
CREATE INDEX activities_by_message ON activities (message_id, occurred_at);
CREATE INDEX activities_by_provider_message_id ON activities (provider_message_id);

-- Queue messages that could not be read: parked with the reason, never dropped, never looped.
CREATE TABLE dead_letters (
    id           UUID PRIMARY KEY,
    queue        VARCHAR(64)              NOT NULL,
    message_type VARCHAR(128),
    message_id   VARCHAR(128),
    reason       TEXT                     NOT NULL,
    body_base64  TEXT                     NOT NULL,
    parked_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
