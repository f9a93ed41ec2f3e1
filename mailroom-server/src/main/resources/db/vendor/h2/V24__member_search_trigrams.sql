-- Issue 16. PostgreSQL's V24 (db/vendor/postgresql) adds a trigram index for member searches. H2 has none; this empty
-- twin keeps the two databases' versions the same.
SELECT 1;
