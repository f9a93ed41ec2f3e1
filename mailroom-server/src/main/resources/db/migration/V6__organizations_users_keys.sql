-- Organizations, the people who sign in, and API keys (issue 11). Portable between PostgreSQL and
-- H2 (MODE=PostgreSQL). Only the accounts package writes these tables (Spring Session its own two);
-- the operator reads api_keys to check a queue message's proof of organization.

CREATE TABLE organizations (
    id         VARCHAR(64)              PRIMARY KEY,
    name       VARCHAR(200)             NOT NULL,
    plan       VARCHAR(32)              NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The first organization is the one every message so far belongs to.
INSERT INTO organizations (id, name, plan, created_at)
VALUES ('default', 'Default organization', 'standard', CURRENT_TIMESTAMP);

-- Existing data moves into the first organization: until now an AMQP client could claim any
-- organization id, and nothing but 'default' was ever readable.
UPDATE messages SET organization_id = 'default' WHERE organization_id <> 'default';

CREATE TABLE users (
    id                UUID                     PRIMARY KEY,
    -- Normalized (trimmed, lower case): one person, one row, however they type it.
    email             VARCHAR(320)             NOT NULL UNIQUE,
    display_name      VARCHAR(200)             NOT NULL,
    -- Spring Security's DelegatingPasswordEncoder format ({bcrypt}...); null for single sign-on only.
    password_hash     VARCHAR(255),
    platform_operator BOOLEAN                  NOT NULL DEFAULT FALSE,
    failed_sign_ins   INT                      NOT NULL DEFAULT 0,
    locked_until      TIMESTAMP WITH TIME ZONE,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE memberships (
    organization_id VARCHAR(64)              NOT NULL REFERENCES organizations (id),
    user_id         UUID                     NOT NULL REFERENCES users (id),
    role            VARCHAR(16)              NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE api_keys (
    id              UUID                     PRIMARY KEY,
    -- Null: a platform key (the platform endpoints, no organization's data).
    organization_id VARCHAR(64)              REFERENCES organizations (id),
    name            VARCHAR(200)             NOT NULL,
    -- What the key's owner sees of it after creation (mr_ and the key's public part).
    prefix          VARCHAR(32)              NOT NULL UNIQUE,
    -- SHA-256 (hex) of the whole key: a key is found by its hash, never stored itself.
    secret_hash     VARCHAR(64)              NOT NULL UNIQUE,
    scopes          VARCHAR(64)              NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by      VARCHAR(320)             NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE,
    revoked_at      TIMESTAMP WITH TIME ZONE,
    last_used_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX api_keys_by_organization ON api_keys (organization_id, created_at);

-- Dashboard sign-ins, stored by Spring Session (its own schema, unchanged), so that any API process
-- serves any signed-in browser: no sticky sessions.
CREATE TABLE SPRING_SESSION (
    PRIMARY_ID            CHAR(36)     NOT NULL,
    SESSION_ID            CHAR(36)     NOT NULL,
    CREATION_TIME         BIGINT       NOT NULL,
    LAST_ACCESS_TIME      BIGINT       NOT NULL,
    MAX_INACTIVE_INTERVAL INT          NOT NULL,
    EXPIRY_TIME           BIGINT       NOT NULL,
    PRINCIPAL_NAME        VARCHAR(100),
    CONSTRAINT SPRING_SESSION_PK PRIMARY KEY (PRIMARY_ID)
);
CREATE UNIQUE INDEX SPRING_SESSION_IX1 ON SPRING_SESSION (SESSION_ID);
CREATE INDEX SPRING_SESSION_IX2 ON SPRING_SESSION (EXPIRY_TIME);
CREATE INDEX SPRING_SESSION_IX3 ON SPRING_SESSION (PRINCIPAL_NAME);

CREATE TABLE SPRING_SESSION_ATTRIBUTES (
    SESSION_PRIMARY_ID CHAR(36)     NOT NULL,
    ATTRIBUTE_NAME     VARCHAR(200) NOT NULL,
    ATTRIBUTE_BYTES    BYTEA        NOT NULL,
    CONSTRAINT SPRING_SESSION_ATTRIBUTES_PK PRIMARY KEY (SESSION_PRIMARY_ID, ATTRIBUTE_NAME),
    CONSTRAINT SPRING_SESSION_ATTRIBUTES_FK FOREIGN KEY (SESSION_PRIMARY_ID)
        REFERENCES SPRING_SESSION (PRIMARY_ID) ON DELETE CASCADE
);
