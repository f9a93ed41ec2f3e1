-- Issue 13: an organization's own webhook endpoints. Portable between PostgreSQL and H2 (MODE=PostgreSQL).
-- Written only by the accounts package (the API's changes; the notifier's automatic disabling through it).
CREATE TABLE webhook_endpoints (
    id              UUID PRIMARY KEY,
    organization_id VARCHAR(64)              NOT NULL,
    url             VARCHAR(2048)            NOT NULL,
    description     VARCHAR(256),
    -- Comma-separated dev.mailroom.contracts.NotificationTypes, or '*' for all.
    event_types     VARCHAR(2048)            NOT NULL,
    enabled         BOOLEAN                  NOT NULL,
    -- Why it was disabled automatically (a long failure streak), and when; NULL when enabled or disabled by hand.
    disabled_reason VARCHAR(512),
    disabled_at     TIMESTAMP WITH TIME ZONE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints (organization_id, created_at);

-- Signing secrets (whsec_<base64 of 24 to 64 random bytes>). The notifier signs with every secret not expired:
-- after a rotation the old one keeps a grace period (expires_at), the new one has expires_at NULL. Kept in clear:
-- an HMAC key must be known to sign with it.
CREATE TABLE webhook_secrets (
    id          UUID PRIMARY KEY,
    endpoint_id UUID                     NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    secret      VARCHAR(128)             NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX webhook_secrets_by_endpoint ON webhook_secrets (endpoint_id, created_at);
