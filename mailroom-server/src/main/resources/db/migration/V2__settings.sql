-- Run-time settings an administrator changes without a restart (the default provider).
-- version rises with every change, so dispatchers can ignore an older broadcast.
CREATE TABLE settings (
    name       VARCHAR(64)              PRIMARY KEY,
    setting_value VARCHAR(255)          NOT NULL,
    version    BIGINT                   NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
