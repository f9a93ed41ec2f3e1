-- A parked message is resolved by an administrator: replayed onto its queue, or discarded.
-- Resolved rows are kept (the audit trail); a replay that is parked again re-opens the row.
ALTER TABLE dead_letters ADD COLUMN resolved_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE dead_letters ADD COLUMN resolution VARCHAR(16);
CREATE INDEX dead_letters_open ON dead_letters (resolved_at, parked_at);
