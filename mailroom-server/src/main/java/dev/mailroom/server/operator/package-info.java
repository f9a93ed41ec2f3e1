/**
 * The operator, the only writer of the email history: it records submissions, tracking reports, settings
 * and dead letters, releases dispatch commands when they are due (scheduled, retries, unpublished), and carries out
 * erasures of an address's personal data (the audit log {@code erasures}, the keyed hashes {@code erased_addresses}).
 */
package dev.mailroom.server.operator;
