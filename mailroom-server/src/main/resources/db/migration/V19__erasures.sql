-- Issue 16 (item 4): erasing one email address's personal data from an organization's history. Portable between
-- PostgreSQL and H2 (MODE=PostgreSQL). The operator writes the first three tables and the new column; the notifier
-- writes webhook_erasures.

-- The audit log: who asked, when, when it was done and how many rows of each table changed. It holds no personal
-- data, neither the address nor any hash of it. Read by the API by id and, per organization, newest first.
CREATE TABLE erasures (
    id              UUID                     PRIMARY KEY,
    organization_id VARCHAR(64)              NOT NULL,
    -- A key's prefix, or user:<id> for a signed-in person (never a person's email).
    requested_by    VARCHAR(64)              NOT NULL,
    requested_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    -- When the operator took the request.
    recorded_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- requested | done
    state           VARCHAR(16)              NOT NULL,
    completed_at    TIMESTAMP WITH TIME ZONE,
    -- JSON object: table name -> rows changed; each batch adds its own in its own transaction.
    counts          TEXT                     NOT NULL
);
CREATE INDEX erasures_by_org ON erasures (organization_id, requested_at, id);

-- An erasure in progress and the address it erases: the one place the address is kept while the work goes on (the
-- queue message is acknowledged once this row is written), deleted in the transaction that completes the erasure.
-- The notifier reads it for its own tables.
CREATE TABLE erasure_work (
    erasure_id      UUID                     PRIMARY KEY,
    organization_id VARCHAR(64)              NOT NULL,
    email           VARCHAR(320)             NOT NULL,
    -- history: the operator's tables; deliveries: waiting for the notifier's part.
    stage           VARCHAR(16)              NOT NULL,
    -- An operator works on it until then; after that another takes it over (the first one died).
    lease_until     TIMESTAMP WITH TIME ZONE
);

-- Erased addresses stay suppressed without being kept: hex HMAC-SHA256 of the organization and the normalized address
-- under the erasure key (dev.mailroom.server.operator.ErasedAddresses). The suppression check looks recipients up here
-- too. key_id names the key (a fingerprint): rows hashed under another key no longer match, and a start says so.
CREATE TABLE erased_addresses (
    organization_id VARCHAR(64) NOT NULL,
    address_hash    VARCHAR(64) NOT NULL,
    key_id          VARCHAR(16) NOT NULL,
    PRIMARY KEY (organization_id, address_hash)
);

-- How many of a message's recipient rows were erased (0 for nearly every message): a provider's later event about such
-- an email (an open weeks later, with its IP address) is scrubbed before it is recorded. A constant default: no table
-- rewrite on PostgreSQL.
ALTER TABLE messages ADD COLUMN erased_recipients INT NOT NULL DEFAULT 0;

-- The notifier's part of an erasure: payloads of webhook_deliveries and answers in webhook_attempts, counted the same
-- way. Written only by the notifier; the operator reads it to complete the erasure.
CREATE TABLE webhook_erasures (
    erasure_id   UUID                     PRIMARY KEY,
    deliveries   INT                      NOT NULL,
    attempts     INT                      NOT NULL,
    completed_at TIMESTAMP WITH TIME ZONE
);
