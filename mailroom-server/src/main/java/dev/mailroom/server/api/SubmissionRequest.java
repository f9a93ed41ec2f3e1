package dev.mailroom.server.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.mailroom.contracts.Email;
import java.time.Instant;

/**
 * The body of {@code POST /api/v1/messages}, as in the Contract: the {@link Email}'s fields at the
 * top level, beside when to send it and through which provider.
 */
record SubmissionRequest(@JsonUnwrapped Email email, Instant sendAt, String provider) {}
