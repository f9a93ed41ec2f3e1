package dev.mailroom.server.messaging;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.BrokerUri;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Fairness between organizations (issue 12, item 2): an organization sending in bulk takes the bulk lanes, and
 * another's occasional email, on the prompt lanes, does not wait behind it. Shown by holding the bulk
 * dispatching lane still: the bulk sender's emails wait there while the other's is delivered.
 */
@EndToEndTest
class BulkLanesTest {
    @LocalServerPort
    int port;

    @Autowired
    Environment env;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @Test
    void anotherOrganizationsEmailIsDeliveredWhileABulkSendersEmailsWaitInTheBulkLane() throws Exception {
        TestOrganizations.Organization bulkSender = TestOrganizations.create(port, "bulk-a-", "send", "read");
        TestOrganizations.Organization occasional = TestOrganizations.create(port, "bulk-b-", "send", "read");
        listeners.getListenerContainer("dispatching-bulk").stop();
        List<UUID> bulk = new ArrayList<>();
        try {
            try (MailroomClient client = MailroomClient.connect(BrokerUri.of(env), bulkSender.key())) {
                client.setBulkAbove(0);
                List<CompletableFuture<UUID>> sent = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    sent.add(client.submitAsync(email("newsletter-" + i + "@example.org"), null, null));
                }
                for (CompletableFuture<UUID> f : sent) {
                    bulk.add(f.get());
                }
            }
            // The bulk sender's emails reach the bulk dispatching lane and wait there.
            await().atMost(Duration.ofSeconds(30)).until(() -> queuedOf(bulkSender.id()) == bulk.size());

            ApiClient other = new ApiClient(port).as(occasional.key());
            String id = other.submit(ApiClient.email("password-reset@example.org"));

            awaitStatus(other, id, "DELIVERED");
            assertThat(queuedOf(bulkSender.id()))
                    .as("the bulk sender's emails are still waiting in their lane")
                    .isEqualTo(bulk.size());
        } finally {
            listeners.getListenerContainer("dispatching-bulk").start();
        }
        ApiClient sender = new ApiClient(port).as(bulkSender.key());
        awaitStatus(sender, bulk.get(bulk.size() - 1).toString(), "DELIVERED");
        await().atMost(Duration.ofSeconds(60)).until(() -> queuedOf(bulkSender.id()) == 0);
    }

    @Test
    void aClientAboveItsBulkRateSendsTheRestOnTheBulkLaneAndEverythingArrives() throws Exception {
        TestOrganizations.Organization org = TestOrganizations.create(port, "bulk-c-", "send", "read");
        List<UUID> ids = new ArrayList<>();
        try (MailroomClient client = MailroomClient.connect(BrokerUri.of(env), org.key())) {
            client.setBulkAbove(10);
            List<CompletableFuture<UUID>> sent = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                sent.add(client.submitAsync(email("many-" + i + "@example.org"), null, null));
            }
            for (CompletableFuture<UUID> f : sent) {
                ids.add(f.get());
            }
        }
        ApiClient api = new ApiClient(port).as(org.key());
        for (UUID id : ids) {
            awaitStatus(api, id.toString(), "DELIVERED");
        }
    }

    private int queuedOf(String organization) {
        Integer n = jdbc.queryForObject(
                "SELECT COUNT(*) FROM messages WHERE organization_id = ? AND status = 'QUEUED'",
                Integer.class,
                organization);
        return n == null ? 0 : n;
    }

    private static Email email(String to) {
        return new Email(
                Address.of("news@example.com"),
                List.of(Recipient.of(to)),
                null,
                null,
                null,
                "News",
                "hello",
                null,
                null,
                null,
                null,
                null);
    }
}
