-- Issue 16 (a filter by a rare status at ten million emails). Portable between PostgreSQL and H2 (MODE=PostgreSQL).
-- Only the operator writes this table; the API reads it (GET /api/v1/messages?status=).
--
-- The emails at a status off the main path (scheduled, or ended in a bounce, complaint, unsubscribe, drop, failure,
-- suppression or cancellation), one row each while the email is at that status: the message list filtered by such a
-- status walks this table's index, newest first, instead of the organization's every email (at 10 M emails, 7 s for
-- the rarest status in the largest organization: report 20261207-144553). An index on messages.status would do the
-- same for every status, but would make each of an email's status updates a non-HOT update of every index of
-- messages (V18); here only the emails that reach such a status pay, with one row.
--
-- The operator keeps it in the transaction that changes the status (OverviewRollup, which sees every status change
-- with the status before it), by the message's row as it is at commit; the API checks the message's status again, so a
-- row can only ever hide nothing.
CREATE TABLE message_outcomes (
    message_id      UUID                     PRIMARY KEY REFERENCES messages (id),
    organization_id VARCHAR(64)              NOT NULL,
    status          VARCHAR(16)              NOT NULL,
    -- The message's created_at: the message list's order.
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX message_outcomes_by_status ON message_outcomes (organization_id, status, created_at, message_id);

-- The history before this migration.
INSERT INTO message_outcomes (message_id, organization_id, status, created_at)
SELECT id, organization_id, status, created_at FROM messages
WHERE status IN ('SCHEDULED', 'UNSUBSCRIBED', 'COMPLAINED', 'BOUNCED', 'DROPPED', 'FAILED', 'SUPPRESSED', 'CANCELED');
