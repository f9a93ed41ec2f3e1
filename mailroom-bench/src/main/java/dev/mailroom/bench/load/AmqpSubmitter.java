package dev.mailroom.bench.load;

import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Email;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Submits through mailroom-client: straight to the mailbox queue, persistent, with publisher confirms. */
final class AmqpSubmitter implements Submitter {
    private final MailroomClient client;

    AmqpSubmitter(Broker broker) throws IOException {
        this.client = MailroomClient.connect(broker.uri());
    }

    @Override
    public CompletableFuture<UUID> submit(Email email) {
        return client.submitAsync(email, null, null);
    }

    @Override
    public int maxInFlight() {
        // Unconfirmed publishes on the one channel; enough to hide the confirm round trip.
        return 2_000;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            // Closing at the end of a run: nothing left to lose.
        }
    }
}
