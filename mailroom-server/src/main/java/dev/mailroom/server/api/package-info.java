/**
 * The REST API ({@code /api/v1/...}): takes submissions, cancels, setting changes, dead-letter
 * actions and erasure requests and publishes them to the operator; answers reads with read-only queries (the overview
 * figures from the operator's per-day counts, never from all of an organization's messages). It never writes the
 * database: account data and an organization's retention settings are changed through {@code accounts}.
 */
package dev.mailroom.server.api;
