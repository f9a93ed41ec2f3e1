package dev.mailroom.server.api;

/** A single submission that {@link SubmissionPublisher#submitAll} refused: answered as its problem+json. */
class SubmissionRefusedException extends RuntimeException {
    private final transient SubmissionOutcome outcome;

    SubmissionRefusedException(SubmissionOutcome outcome) {
        super(outcome.detail(), null, false, false);
        this.outcome = outcome;
    }

    SubmissionOutcome outcome() {
        return outcome;
    }
}
