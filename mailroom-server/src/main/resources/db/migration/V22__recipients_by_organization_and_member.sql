-- Issue 16: a recipient row carries its email's organization, so that one organization's members' rows are found by
-- (organization, member) in the index. Member ids are each organization's own user ids, often small numbers that
-- several organizations share; found by member id alone, a page of one organization's members also read every other
-- organization's rows of the same ids and threw them away after a lookup of each email (the history benchmark's
-- report 20261207-105608: 5,139 rows read for the 554 of the smallest organization's member page).
ALTER TABLE message_recipients ADD COLUMN organization_id VARCHAR(64);

UPDATE message_recipients r
SET organization_id = (SELECT m.organization_id FROM messages m WHERE m.id = r.message_id);

ALTER TABLE message_recipients ALTER COLUMN organization_id SET NOT NULL;

DROP INDEX recipients_by_member;
CREATE INDEX recipients_by_member ON message_recipients (organization_id, member_id);
