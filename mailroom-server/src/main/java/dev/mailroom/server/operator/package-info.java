/**
 * The operator, the only writer of the email history: it records submissions, tracking reports, settings
 * and dead letters, releases dispatch commands when they are due (scheduled, retries, unpublished), and carries out
 * erasures of an address's personal data (the audit log {@code erasures}, the keyed hashes {@code erased_addresses}),
 * and retention: on a thread of its own ({@code RetentionWorker}), in short batches, it deletes the emails past each
 * organization's history retention with every row about them, the content of those past its content retention, and
 * the members whose last email went ({@code retention_progress} says where content expiry got to).
 * It keeps the read models of the history as it records: the member list ({@code members}, {@code member_search_terms})
 * and the overview's counts per organization, day and status ({@code overview_counts}: OverviewRollup appends, in each
 * recording transaction, OverviewCompaction folds, on a thread of its own).
 */
package dev.mailroom.server.operator;
