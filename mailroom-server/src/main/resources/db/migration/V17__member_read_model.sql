-- Issue 16 (history at scale). Portable between PostgreSQL and H2 (MODE=PostgreSQL). Only the operator writes these.
-- The member list's read model. Listing members by their newest email used to group all of an organization's
-- recipients on every request (1.6 s for an organization of 100,000 members and 1 million emails); these rows let the
-- list walk an index instead. Both are kept idempotently as the operator stores each email (a redelivered submission
-- changes nothing): counts and statuses stay computed from the recipients, for the one page of members shown.

-- One row per member an organization's emails named, with the time of the newest of them.
CREATE TABLE members (
    organization_id VARCHAR(64)              NOT NULL,
    member_id       VARCHAR(128)             NOT NULL,
    last_message_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (organization_id, member_id)
);
-- Newest first, ties by member id: the order the list pages in, so a page is the next rows of this index.
CREATE INDEX members_by_recency ON members (organization_id, last_message_at DESC, member_id);

-- What a member search matches besides the member id: every address a member was sent to and every name they were
-- given, in lower case, once each.
CREATE TABLE member_search_terms (
    organization_id VARCHAR(64)  NOT NULL,
    member_id       VARCHAR(128) NOT NULL,
    term            VARCHAR(320) NOT NULL,
    PRIMARY KEY (organization_id, member_id, term)
);

INSERT INTO members (organization_id, member_id, last_message_at)
SELECT m.organization_id, r.member_id, MAX(m.created_at)
FROM message_recipients r JOIN messages m ON m.id = r.message_id
WHERE r.member_id IS NOT NULL
GROUP BY m.organization_id, r.member_id;

INSERT INTO member_search_terms (organization_id, member_id, term)
SELECT m.organization_id, r.member_id, LOWER(r.email)
FROM message_recipients r JOIN messages m ON m.id = r.message_id
WHERE r.member_id IS NOT NULL
UNION
SELECT m.organization_id, r.member_id, LOWER(r.name)
FROM message_recipients r JOIN messages m ON m.id = r.message_id
WHERE r.member_id IS NOT NULL AND r.name IS NOT NULL AND r.name <> '';
