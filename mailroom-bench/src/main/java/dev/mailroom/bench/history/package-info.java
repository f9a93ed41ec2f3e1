/**
 * {@code mailroom-bench history}: an email history at scale and what reading it costs (issue 16, "ten million emails
 * later").
 *
 * <p>This package owns the history's generator (deterministic from a seed: organizations of very different sizes,
 * their members, emails spread over the last days, recipients, tags, contents, timelines of activities as the
 * pipeline records them, the member read model of V17), its fill of a PostgreSQL database with COPY (the overview
 * counts of V21 by one GROUP BY over the messages written; the schema made
 * by Mailroom's own migrations, the organizations and keys by its REST API), the concurrent readers that measure the
 * REST API's history reads with Mailroom in the {@code api} role only, the plans of the SQL it runs (auto_explain),
 * the storage figures and the report. It starts Mailroom with {@code cluster.MailroomCluster} and creates the
 * organizations with {@code load.BenchOrganizations}, like {@code bench}; it writes nothing but the history's tables
 * of the database it is given.
 */
package dev.mailroom.bench.history;
