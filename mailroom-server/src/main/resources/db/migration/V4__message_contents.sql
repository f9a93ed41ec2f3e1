-- The email itself (the JSON a retry or a released scheduled send dispatches again) moves out of
-- the messages row. The pipeline updates that row three or four times per email (QUEUED,
-- DISPATCHED, the provider's events), and every update writes a whole new row version: with the
-- ~1.5 KB of content inline, each status change copied it again (WAL, dead tuples, vacuum).
-- Portable between PostgreSQL and H2 (MODE=PostgreSQL).

CREATE TABLE message_contents (
    message_id UUID PRIMARY KEY REFERENCES messages (id),
    content    TEXT NOT NULL
);

INSERT INTO message_contents (message_id, content) SELECT id, content FROM messages;

ALTER TABLE messages DROP COLUMN content;
