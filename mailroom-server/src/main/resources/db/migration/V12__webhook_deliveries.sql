-- Issue 13: deliveries of events to webhook endpoints, and the log of every attempt. Portable between PostgreSQL
-- and H2 (MODE=PostgreSQL). Written only by the notifier package.

-- One row per (endpoint, event): its id is derived from both, so an event received twice is delivered under one
-- row (and one webhook-id, the event's).
CREATE TABLE webhook_deliveries (
    id              UUID PRIMARY KEY,
    endpoint_id     UUID                     NOT NULL,
    organization_id VARCHAR(64)              NOT NULL,
    -- The webhook-id header: the same on every attempt and replay.
    event_id        VARCHAR(64)              NOT NULL,
    event_type      VARCHAR(64)              NOT NULL,
    -- The JSON body sent (Standard Webhooks: {"type","timestamp","data"}).
    payload         TEXT                     NOT NULL,
    occurred_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- pending | delivered | failed (retries used up)
    state           VARCHAR(16)              NOT NULL,
    attempts        INT                      NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    last_attempt_at TIMESTAMP WITH TIME ZONE,
    last_status     INT,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);

-- Every attempt: when, the HTTP status (NULL when none came: refused, timed out), latency, the start of the answer
-- or the error.
CREATE TABLE webhook_attempts (
    delivery_id      UUID                     NOT NULL,
    attempt          INT                      NOT NULL,
    attempted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    status_code      INT,
    latency_ms       INT                      NOT NULL,
    response_excerpt VARCHAR(1024),
    error            VARCHAR(512),
    PRIMARY KEY (delivery_id, attempt)
);
