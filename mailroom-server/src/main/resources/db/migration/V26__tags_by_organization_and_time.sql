-- Issue 16: a tag row carries its email's organization and time, so that the message list filtered by a tag walks the
-- organization's emails with that tag, newest first, in one index, instead of all of the organization's emails with a
-- probe of each one's tags (at 10 M emails, the rarest tag of the smallest organization: p99 1.1 s, history report
-- 20261207-144553). Tags are written once, with their email, and never updated: the wider index costs no HOT update.
ALTER TABLE message_tags ADD COLUMN organization_id VARCHAR(64);
ALTER TABLE message_tags ADD COLUMN created_at TIMESTAMP WITH TIME ZONE;

UPDATE message_tags t
SET organization_id = (SELECT m.organization_id FROM messages m WHERE m.id = t.message_id),
    created_at = (SELECT m.created_at FROM messages m WHERE m.id = t.message_id);

ALTER TABLE message_tags ALTER COLUMN organization_id SET NOT NULL;
ALTER TABLE message_tags ALTER COLUMN created_at SET NOT NULL;

DROP INDEX tags_by_tag;
CREATE INDEX tags_by_organization ON message_tags (organization_id, tag, created_at, message_id);
