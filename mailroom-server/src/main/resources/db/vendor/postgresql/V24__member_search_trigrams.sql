-- Issue 16: a member search is LIKE '%part%' over member_search_terms, which no B-tree can answer: it read every
-- organization's terms (51 ms at 1 million emails, report 20261207-110632; ten times that at 10 million). A trigram
-- index (pg_trgm, shipped with PostgreSQL and trusted: the database's owner may create it) finds the terms that
-- contain a part of three characters or more. Terms are written once per member and address, so the index costs the
-- pipeline little.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The extension lives in one schema of the database (the first to create it); Mailroom's schema may be another, not
-- on its search path (currentSchema=...), so the operator class is named with the extension's schema.
DO $$
DECLARE
    trigram_schema TEXT;
BEGIN
    SELECT n.nspname INTO trigram_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    EXECUTE format(
        'CREATE INDEX member_search_terms_by_trigram ON member_search_terms USING gin (term %I.gin_trgm_ops)',
        trigram_schema);
END
$$;
