package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The check-then-publish race is gone: cancels fired while the releaser releases the same messages get
 * 202 only for messages that are then never sent, and 409 only for messages that are sent; none is both.
 */
@EndToEndTest
class CancelWhileReleasingTest {
    private static final Logger log = LoggerFactory.getLogger(CancelWhileReleasingTest.class);
    private static final int MESSAGES = 200;
    private static final Set<String> SENT = Set.of("QUEUED", "DISPATCHED", "DELIVERED");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aCancelAnswered202IsNeverSentAndOneAnswered409IsSent() throws Exception {
        ApiClient api = new ApiClient(port);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            // Due one after another over eight seconds, from a moment after they are all recorded: the cancels
            // start just before the first is due and sweep along while the releaser (every 0.2 s here)
            // releases them.
            Instant started = Instant.now();
            Instant first = started.plusSeconds(15);
            List<Future<String>> submitted = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                Instant sendAt = first.plusMillis(40L * i);
                submitted.add(pool.submit(() -> api.submit(ApiClient.email(
                        "race@example.org", "{\"sendAt\":\"" + sendAt + "\",\"tags\":[\"cancel-race\"]}"))));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> id : submitted) {
                ids.add(id.get());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> recorded(ids) == MESSAGES);
            log.info("{} scheduled messages recorded in {}", MESSAGES, Duration.between(started, Instant.now()));
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> Instant.now().isAfter(first.minusMillis(300)));
            Instant cancelsStarted = Instant.now();

            Map<String, Integer> answers = new ConcurrentHashMap<>();
            List<Future<?>> cancels = new ArrayList<>();
            for (String id : ids) {
                cancels.add(pool.submit(() -> answers.put(
                        id, api.post("/api/v1/messages/" + id + "/cancel", "").status())));
            }
            for (Future<?> cancel : cancels) {
                cancel.get();
            }
            log.info("{} cancels answered in {}", MESSAGES, Duration.between(cancelsStarted, Instant.now()));

            List<UUID> canceled = withAnswer(answers, 202);
            List<UUID> refused = withAnswer(answers, 409);
            log.info("Cancels during the release: {} answered 202, {} answered 409", canceled.size(), refused.size());
            assertThat(canceled.size() + refused.size())
                    .as("every cancel answered 202 or 409: " + answers)
                    .isEqualTo(MESSAGES);
            // The 409 ones were released: they are delivered (sandbox). By then any send of a 202 one would
            // have had its time too, and the release of all of them is over.
            await().atMost(Duration.ofSeconds(60)).until(() -> countWithStatus(refused, "DELIVERED") == refused.size());
            assertThat(countWithStatus(canceled, "CANCELED"))
                    .as("every 202 message is CANCELED")
                    .isEqualTo(canceled.size());
            assertThat(timelineCount(canceled, SENT))
                    .as("no 202 message was queued, dispatched or delivered")
                    .isZero();
            assertThat(timelineCount(refused, Set.of("CANCELED")))
                    .as("no 409 message was canceled")
                    .isZero();
            assertThat(timelineCount(refused, Set.of("QUEUED")))
                    .as("every 409 message was queued once")
                    .isEqualTo(refused.size());
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<UUID> withAnswer(Map<String, Integer> answers, int status) {
        return answers.entrySet().stream()
                .filter(e -> e.getValue() == status)
                .map(e -> UUID.fromString(e.getKey()))
                .toList();
    }

    private int recorded(List<String> ids) {
        return named().queryForObject(
                        "SELECT COUNT(*) FROM messages WHERE id IN (:ids)",
                        new MapSqlParameterSource(
                                "ids", ids.stream().map(UUID::fromString).toList()),
                        Integer.class);
    }

    private int countWithStatus(List<UUID> ids, String status) {
        if (ids.isEmpty()) {
            return 0;
        }
        return named().queryForObject(
                        "SELECT COUNT(*) FROM messages WHERE id IN (:ids) AND status = :status",
                        new MapSqlParameterSource("ids", ids).addValue("status", status),
                        Integer.class);
    }

    private int timelineCount(List<UUID> ids, Set<String> statuses) {
        if (ids.isEmpty()) {
            return 0;
        }
        return named().queryForObject(
                        "SELECT COUNT(*) FROM activities WHERE message_id IN (:ids) AND status IN (:statuses)",
                        new MapSqlParameterSource("ids", ids).addValue("statuses", statuses),
                        Integer.class);
    }

    private NamedParameterJdbcTemplate named() {
        return new NamedParameterJdbcTemplate(jdbc);
    }
}
