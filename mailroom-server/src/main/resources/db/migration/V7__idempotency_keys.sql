-- What an Idempotency-Key names, per organization: the message it was used for last, a hash of
-- the request's meaning (SHA-256 hex of its canonical JSON) and when that message was recorded.
-- One row per (organization, key); when a key is used again after its window
-- (mailroom.api.idempotency-window), the row moves on to the new message, whose id the API derives
-- from the previous one (dev.mailroom.contracts.Ids.nextIdempotentMessage).
-- Written by the operator only, in the transaction that records the message and BEFORE the message:
-- the row is the lock that makes two operators taking one key at once agree on one body (hence no
-- foreign key to messages, whose row comes later in that transaction). The API reads it.
-- Portable between PostgreSQL and H2 (MODE=PostgreSQL).

CREATE TABLE idempotency_keys (
    organization_id VARCHAR(64)              NOT NULL,
    idempotency_key VARCHAR(255)             NOT NULL,
    message_id      UUID                     NOT NULL,
    request_hash    VARCHAR(64)              NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (organization_id, idempotency_key)
);
