-- A queue message proves its organization (issue 11): it is signed with an API key, named by the
-- key's public id = hex SHA-256("mailroom-key-id:" + key) (dev.mailroom.contracts.MailboxProof).
-- A client cannot know a configured key's row prefix, but it can compute this from its key. Written
-- by the accounts package wherever it writes a key; rows written before this migration have none
-- until they are written again (the configured keys are, at every start). The operator only reads it.
-- Portable between PostgreSQL and H2 (MODE=PostgreSQL); both allow several NULLs in a unique index.
ALTER TABLE api_keys ADD COLUMN public_id VARCHAR(64);
CREATE UNIQUE INDEX api_keys_by_public_id ON api_keys (public_id);

-- A mailbox message dead-lettered after its proof was checked (the database refused it) keeps its
-- proof headers, so that replaying it sends the same signed message again.
ALTER TABLE dead_letters ADD COLUMN proof_key_id VARCHAR(128);
ALTER TABLE dead_letters ADD COLUMN proof_signature VARCHAR(128);
