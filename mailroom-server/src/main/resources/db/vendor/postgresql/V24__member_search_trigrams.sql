-- Issue 16: a member search is LIKE '%part%' over member_search_terms, which no B-tree can answer: it read every
-- organization's terms (51 ms at 1 million emails, report 20261207-110632; ten times that at 10 million). A trigram
-- index (pg_trgm, shipped with PostgreSQL and trusted: the database's owner may create it) finds the terms that
-- contain a part of three characters or more. Terms are written once per member and address, so the index costs the
-- pipeline little.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX member_search_terms_by_trigram ON member_search_terms USING gin (term gin_trgm_ops);
