-- Issue 16 (twice the throughput per core). PostgreSQL only: the first migration H2 cannot follow
-- (db/vendor/h2/V18 is its empty twin, so both databases count the same versions).

-- Every email's row is updated four or five times after it is inserted (QUEUED, DISPATCHED, DELIVERED, OPENED,
-- CLICKED). With full pages each update is a new tuple on another page plus an entry in each of the table's four
-- indexes; with room left on the page, an update that changes no indexed column (most status raises) stays on its
-- page and touches no index (a HOT update). Applies to pages written from now on.
ALTER TABLE messages SET (fillfactor = 70);

-- Activities are looked up by the provider's message id only while they wait for their dispatch to be recorded
-- (message_id IS NULL: a provider's event that overtook the dispatcher's report). Indexing only those rows spares
-- an index entry for every one of the ~6 activities of every email.
CREATE INDEX activities_unmatched_by_provider_message_id ON activities (provider_message_id) WHERE message_id IS NULL;
DROP INDEX activities_by_provider_message_id;
