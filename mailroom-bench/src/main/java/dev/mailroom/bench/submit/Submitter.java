package dev.mailroom.bench.submit;

import dev.mailroom.contracts.Email;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The one way the bench hands emails to Mailroom, for {@code bench} and {@code faults} alike: the
 * future completes with the id once Mailroom has the email (the broker confirmed it, or the API
 * answered 202), and fails otherwise.
 */
public interface Submitter extends AutoCloseable {
    CompletableFuture<UUID> submit(Email email);

    /** Submissions that may be in flight at once: more would only queue inside the submitter. */
    int maxInFlight();

    @Override
    void close();
}
