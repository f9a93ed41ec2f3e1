package dev.mailroom.server.api;

import dev.mailroom.contracts.Violation;
import java.util.List;
import java.util.UUID;

/**
 * What became of one submission handed to {@link SubmissionPublisher#submitAll}: accepted (202, in the
 * mailbox) or refused with any HTTP status and a problem (title, detail, the fields at fault). A refusal
 * changed nothing for that submission; the single submit answers it as problem+json, a batch as that
 * item's result.
 *
 * @param id     the message's id (also of a refused one: the id it would have had)
 * @param status 202, or the HTTP status of the refusal (429 for a send limit, ...)
 * @param title  the problem's title; null when accepted
 * @param detail the problem's detail; null when accepted
 * @param errors the fields at fault, possibly none
 */
record SubmissionOutcome(UUID id, int status, String title, String detail, List<Violation> errors) {
    static final int ACCEPTED = 202;

    SubmissionOutcome {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    static SubmissionOutcome accepted(UUID id) {
        return new SubmissionOutcome(id, ACCEPTED, null, null, List.of());
    }

    static SubmissionOutcome refused(UUID id, int status, String title, String detail, List<Violation> errors) {
        if (status == ACCEPTED) {
            throw new IllegalArgumentException("a refusal needs a status other than 202");
        }
        return new SubmissionOutcome(id, status, title, detail, errors);
    }

    boolean isAccepted() {
        return status == ACCEPTED;
    }
}
