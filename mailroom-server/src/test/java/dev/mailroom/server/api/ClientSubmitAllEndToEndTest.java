package dev.mailroom.server.api;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.client.InvalidEmailException;
import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.BrokerUri;
import dev.mailroom.server.support.EndToEndTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** The Java client's {@code submitAll}: every email over AMQP, confirmed, ids in order; an invalid one stops all. */
@EndToEndTest
class ClientSubmitAllEndToEndTest {
    @LocalServerPort
    int port;

    @Autowired
    Environment env;

    @Autowired
    JdbcTemplate jdbc;

    ApiClient api;
    MailroomClient client;

    @BeforeEach
    void connect() throws Exception {
        api = new ApiClient(port);
        client = MailroomClient.connect(BrokerUri.of(env), ApiClient.TEST_KEY);
    }

    @AfterEach
    void close() throws Exception {
        client.close();
    }

    private static Email email(String to, String subject) {
        return new Email(
                new Address("app@example.com", "App"),
                List.of(new Recipient(to, null, null)),
                null,
                null,
                null,
                subject,
                "Hi there",
                null,
                null,
                null,
                null,
                null);
    }

    @Test
    void submitAllAnswersTheIdsInOrderAndEveryEmailIsDelivered() throws Exception {
        String subject = "client-batch-" + UUID.randomUUID();
        List<String> recipients = List.of("one@example.org", "two@example.org", "three@example.org");

        List<UUID> ids = client.submitAll(
                recipients.stream().map(to -> email(to, subject)).toList());

        assertThat(ids).hasSize(3).doesNotHaveDuplicates();
        for (int i = 0; i < ids.size(); i++) {
            JsonNode message = awaitStatus(api, ids.get(i).toString(), "DELIVERED");
            assertThat(message.get("subject").asString()).isEqualTo(subject);
            assertThat(message.get("recipients").get(0).get("email").asString()).isEqualTo(recipients.get(i));
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM messages WHERE subject = ?", Integer.class, subject))
                .isEqualTo(3);
    }

    @Test
    void oneInvalidEmailIsNamedByItsIndexAndNothingIsPublished() throws Exception {
        String subject = "client-invalid-" + UUID.randomUUID();

        assertThatThrownBy(() ->
                        client.submitAll(List.of(email("fine@example.org", subject), email("not an address", subject))))
                .isInstanceOf(InvalidEmailException.class)
                .hasMessageContaining("[1].to[0].email")
                .satisfies(e -> assertThat(((InvalidEmailException) e).violations())
                        .extracting(v -> v.field())
                        .containsExactly("[1].to[0].email"));

        // Nothing of it went out: an email published afterwards on the same channel (so queued after anything
        // the list would have published) is recorded, and the valid email of the list is not.
        UUID marker = client.submit(email("marker@example.org", subject));
        awaitStatus(api, marker.toString(), "DELIVERED");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM messages WHERE subject = ?", Integer.class, subject))
                .isEqualTo(1);
    }
}
