package dev.mailroom.bench.load;

import dev.mailroom.contracts.Email;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** One way of handing emails to Mailroom: the future completes with the id once Mailroom has the email. */
interface Submitter extends AutoCloseable {
    CompletableFuture<UUID> submit(Email email);

    /** Submissions that may be in flight at once: more would only queue inside the submitter. */
    int maxInFlight();

    @Override
    void close();
}
