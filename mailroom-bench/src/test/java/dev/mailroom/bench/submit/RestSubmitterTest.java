package dev.mailroom.bench.submit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code --rest-batch N}: emails go in batches of up to N to {@code POST /api/v1/messages/batch} (a batch that
 * does not fill up goes after a short linger), and each email's future follows its own item of the 207
 * answer. The API here is a stand-in over real HTTP that answers as Mailroom's batch endpoint does.
 */
class RestSubmitterTest {
    HttpServer server;
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/messages/batch", exchange -> {
            JsonNode messages = ContractJson.mapper()
                    .readTree(exchange.getRequestBody().readAllBytes())
                    .path("messages");
            batchSizes.add(messages.size());
            List<String> results = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                boolean invalid = messages.get(i).path("subject").asString().equals("invalid");
                results.add(
                        invalid
                                ? "{\"index\":" + i
                                        + ",\"status\":422,\"errors\":[{\"field\":\"subject\",\"message\":\"no\"}]}"
                                : "{\"index\":" + i + ",\"status\":202,\"id\":\"" + idOf(messages.get(i)) + "\"}");
            }
            byte[] body = ("{\"results\":[" + String.join(",", results) + "]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(207, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** The stand-in's id of an email: derived from its subject, so the test knows which id belongs to which. */
    private static UUID idOf(JsonNode email) {
        return UUID.nameUUIDFromBytes(email.path("subject").asString().getBytes(StandardCharsets.UTF_8));
    }

    private static Email email(String subject) {
        return new Email(
                new Address("bench@example.com", null),
                List.of(new Recipient("r@example.org", null, null)),
                null,
                null,
                null,
                subject,
                "text",
                null,
                null,
                null,
                null,
                null);
    }

    @Test
    void emailsGoInBatchesAndEachFutureFollowsItsOwnItem() throws Exception {
        // A linger longer than the test: the batch that does not fill up goes when the submitter closes.
        RestSubmitter submitter = new RestSubmitter(
                "http://127.0.0.1:" + server.getAddress().getPort(), List.of("key"), 4, 3, Duration.ofMinutes(10));
        List<CompletableFuture<UUID>> futures = new ArrayList<>();
        for (String subject : List.of("a", "b", "invalid", "d", "e")) {
            futures.add(submitter.submit(email(subject)));
        }

        assertThat(futures.get(0).get(10, TimeUnit.SECONDS)).isEqualTo(idOf("a"));
        assertThat(futures.get(1).get(10, TimeUnit.SECONDS)).isEqualTo(idOf("b"));
        assertThat(futures.get(2))
                .failsWithin(10, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class)
                .withMessageContaining("422");
        assertThat(futures.get(3)).isNotDone();
        assertThat(batchSizes).containsExactly(3);

        submitter.close();

        assertThat(futures.get(3).get(10, TimeUnit.SECONDS)).isEqualTo(idOf("d"));
        assertThat(futures.get(4).get(10, TimeUnit.SECONDS)).isEqualTo(idOf("e"));
        assertThat(batchSizes).containsExactly(3, 2);
        assertThat(submitter.maxInFlight()).isEqualTo(12);
    }

    private static UUID idOf(String subject) {
        return UUID.nameUUIDFromBytes(subject.getBytes(StandardCharsets.UTF_8));
    }
}
