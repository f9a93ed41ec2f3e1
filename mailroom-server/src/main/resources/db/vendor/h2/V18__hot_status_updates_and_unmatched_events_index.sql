-- Issue 16. PostgreSQL's V18 (db/vendor/postgresql) tunes its storage: a fill factor for HOT updates of messages and
-- a partial index of unmatched provider events. H2 has neither; this empty twin keeps the two databases' versions
-- the same.
SELECT 1;
