package dev.mailroom.server.client;

import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The README's "Your first email" in Java, as it is printed there (between the README markers), run by
 * {@link MailroomClientRestEndToEndTest} against a whole Mailroom so that the README's example cannot rot.
 */
final class FirstEmailExample {
    private FirstEmailExample() {}

    /** As a user runs it next to a Mailroom started with {@code ./mvnw spring-boot:run}. */
    public static void main(String[] args) throws IOException {
        System.out.println(send(
                URI.create("http://localhost:8080"),
                Files.readString(Path.of("mailroom-data/api-key")).strip()));
    }

    static UUID send(URI baseUrl, String apiKey) throws IOException {
        // README:begin
        try (MailroomClient client = MailroomClient.rest(baseUrl, apiKey)) {
            UUID id = client.submit(new Email(
                    new Address("app@example.com", "Example"),
                    List.of(new Recipient("click+ada@example.org", "Ada", "user-42")),
                    null, // cc
                    null, // bcc
                    null, // replyTo
                    "Welcome",
                    "Hello Ada",
                    null, // html
                    null, // headers
                    List.of("welcome"),
                    null, // metadata
                    null)); // attachments
            // Retried safely (same Idempotency-Key) on connection errors, 429, 502, 503, 504.
            System.out.println("submitted " + id);
            // README:end
            return id;
        }
    }
}
