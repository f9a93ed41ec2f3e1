/**
 * The operator, the only writer of the email history: it records submissions, tracking reports, settings
 * and dead letters, and releases dispatch commands when they are due (scheduled, retries, unpublished).
 */
package dev.mailroom.server.operator;
