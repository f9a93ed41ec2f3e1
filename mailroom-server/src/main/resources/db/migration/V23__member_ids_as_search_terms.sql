-- Issue 16: a member's id becomes one of their search terms, as their addresses and names are, so that a search
-- for a part of any of them is one lookup in member_search_terms (and, on PostgreSQL, one trigram index: V24)
-- instead of also walking all of the organization's members to match their ids. The operator adds the term as it
-- stores each email; this fills it for the members stored before.
INSERT INTO member_search_terms (organization_id, member_id, term)
SELECT mb.organization_id, mb.member_id, LOWER(mb.member_id)
FROM members mb
WHERE NOT EXISTS (
    SELECT 1 FROM member_search_terms t
    WHERE t.organization_id = mb.organization_id AND t.member_id = mb.member_id AND t.term = LOWER(mb.member_id));
