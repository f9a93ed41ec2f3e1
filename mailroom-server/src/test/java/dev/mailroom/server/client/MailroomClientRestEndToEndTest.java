package dev.mailroom.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.client.BatchResult;
import dev.mailroom.client.MailroomApiException;
import dev.mailroom.client.MailroomClient;
import dev.mailroom.client.Member;
import dev.mailroom.client.MemberQuery;
import dev.mailroom.client.MessageDetails;
import dev.mailroom.client.MessageQuery;
import dev.mailroom.client.MessageSummary;
import dev.mailroom.client.Page;
import dev.mailroom.client.RecipientStatus;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.BrokerUri;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

/** The Java client over REST against a whole Mailroom: submit, replay by Idempotency-Key, read, members, problems. */
@dev.mailroom.server.support.EndToEndTest
class MailroomClientRestEndToEndTest {
    @LocalServerPort
    int port;

    @Autowired
    Environment env;

    MailroomClient client;

    @BeforeEach
    void connect() {
        client = MailroomClient.rest(baseUrl(), ApiClient.TEST_KEY);
    }

    @AfterEach
    void close() throws IOException {
        client.close();
    }

    private URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private static Email email(String to, String memberId, String tag) {
        return new Email(
                new Address("app@example.com", "App"),
                List.of(new Recipient(to, "Ada", memberId)),
                null,
                null,
                null,
                "Client over REST",
                "Hello",
                null,
                null,
                List.of(tag),
                null,
                null);
    }

    /** Reads the message until the operator has recorded it and its timeline holds {@code status}. */
    private MessageDetails awaitActivity(UUID id, String status) {
        AtomicReference<MessageDetails> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    try {
                        last.set(client.getMessage(id));
                    } catch (MailroomApiException e) {
                        if (e.status() != 404) {
                            throw e;
                        }
                        return false; // not recorded by the operator yet
                    }
                    return last.get().reached(status);
                });
        return last.get();
    }

    @Test
    void theReadmesFirstEmailIsDeliveredAndItsTimelineReadBack() throws Exception {
        UUID id = FirstEmailExample.send(baseUrl(), ApiClient.TEST_KEY);

        MessageDetails message = awaitActivity(id, "DELIVERED");

        assertThat(message.id()).isEqualTo(id);
        assertThat(message.subject()).isEqualTo("Welcome");
        assertThat(message.tags()).containsExactly("welcome");
        assertThat(message.activities().get(0).status()).isEqualTo("ACCEPTED");
        RecipientStatus ada = message.recipients().get(0);
        assertThat(ada.email()).isEqualTo("click+ada@example.org");
        assertThat(ada.memberId()).isEqualTo("user-42");
        assertThat(ada.activities()).extracting(a -> a.status()).contains("DELIVERED");
        assertThat(message.recipientCounts()).isNotEmpty();
    }

    @Test
    void aClientThatSubmitsOverAmqpReadsOverRest() throws Exception {
        String tag = "amqp-rest-" + UUID.randomUUID();
        try (MailroomClient both = MailroomClient.builder()
                .apiKey(ApiClient.TEST_KEY)
                .amqp(BrokerUri.of(env))
                .baseUrl(baseUrl())
                .build()) {
            assertThat(both.transport()).isEqualTo(MailroomClient.Transport.AMQP);

            UUID id = both.submit(email("ada@example.org", null, tag));

            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> both.listMessages(MessageQuery.all().tag(tag)).items().stream()
                            .anyMatch(m -> m.id().equals(id)));
            assertThat(awaitActivity(id, "DELIVERED").tags()).containsExactly(tag);
            assertThatThrownBy(() -> both.submit(email("ada@example.org", null, tag), null, null, "a-key"))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("AMQP");
        }
    }

    @Test
    void theSameIdempotencyKeyAnswersTheSameIdAndSendsOnce() throws Exception {
        String tag = "idem-" + UUID.randomUUID();
        String key = "welcome-" + UUID.randomUUID();
        Email email = email("ada@example.org", null, tag);

        UUID first = client.submit(email, null, null, key);
        UUID again = client.submit(email, null, null, key);
        awaitActivity(first, "DELIVERED");
        UUID afterDelivery = client.submit(email, null, null, key);

        assertThat(again).isEqualTo(first);
        assertThat(afterDelivery).isEqualTo(first);
        Page<MessageSummary> tagged = client.listMessages(MessageQuery.all().tag(tag));
        assertThat(tagged.items()).extracting(MessageSummary::id).containsExactly(first);
    }

    @Test
    void theSameIdempotencyKeyWithAnotherEmailIsA409NamingTheKey() throws Exception {
        String key = "reuse-" + UUID.randomUUID();
        UUID first = client.submit(email("ada@example.org", null, "a"), null, null, key);
        // The key counts from the moment the operator has recorded the first email (as the README says).
        awaitActivity(first, "ACCEPTED");

        assertThatThrownBy(() -> client.submit(email("bob@example.org", null, "a"), null, null, key))
                .isInstanceOfSatisfying(MailroomApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errors()).extracting(Violation::field).containsExactly("Idempotency-Key");
                });
    }

    @Test
    void anInvalidEmailIsA422ProblemNamingTheField() {
        assertThatThrownBy(() -> client.submit(email("not-an-address", null, "bad")))
                .isInstanceOfSatisfying(MailroomApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.title()).isNotBlank();
                    assertThat(e.errors()).extracting(Violation::field).contains("to[0].email");
                });
    }

    @Test
    void aWrongKeyIsA401Problem() {
        MailroomClient wrongKey = MailroomClient.rest(baseUrl(), "not-a-key-of-this-mailroom");

        assertThatThrownBy(() -> wrongKey.listMembers(MemberQuery.all()))
                .isInstanceOfSatisfying(
                        MailroomApiException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void aBatchAcceptsTheValidEmailsAndNamesTheRefusedOne() throws Exception {
        String tag = "batch-" + UUID.randomUUID();

        BatchResult result = client.submitBatch(
                List.of(
                        email("one@example.org", null, tag),
                        email("not-an-address", null, tag),
                        email("two@example.org", null, tag)),
                null);

        assertThat(result.accepted()).isEqualTo(2);
        assertThat(result.rejected()).isEqualTo(1);
        assertThat(result.results().get(1).status()).isEqualTo(422);
        assertThat(result.results().get(1).errors())
                .extracting(Violation::field)
                .contains("to[0].email");
        awaitActivity(result.ids().get(0), "DELIVERED");
        awaitActivity(result.ids().get(2), "DELIVERED");

        List<java.util.UUID> ids =
                client.submitAll(List.of(email("three@example.org", null, tag), email("four@example.org", null, tag)));
        assertThat(ids).hasSize(2).doesNotContainNull().doesNotHaveDuplicates();
        ids.forEach(id -> awaitActivity(id, "DELIVERED"));
    }

    @Test
    void aMemberIsListedAndReadWithTheirEmailsAndMessagesPageByPage() throws Exception {
        String memberId = "member-" + UUID.randomUUID();
        String tag = "members-" + UUID.randomUUID();
        UUID first = client.submit(email("ada@example.org", memberId, tag));
        UUID second = client.submit(email("ada.work@example.org", memberId, tag));
        awaitActivity(first, "DELIVERED");
        awaitActivity(second, "DELIVERED");

        Member member = client.getMember(memberId);
        Page<Member> listed = client.listMembers(MemberQuery.all().search(memberId));
        Page<MessageSummary> page1 =
                client.listMessages(MessageQuery.all().memberId(memberId).limit(1));
        Page<MessageSummary> page2 = client.listMessages(
                MessageQuery.all().memberId(memberId).limit(1).cursor(page1.nextCursor()));

        assertThat(member.memberId()).isEqualTo(memberId);
        assertThat(member.messages()).isEqualTo(2);
        assertThat(member.emails()).containsExactlyInAnyOrder("ada@example.org", "ada.work@example.org");
        assertThat(listed.items()).extracting(Member::memberId).containsExactly(memberId);
        assertThat(page1.hasNext()).isTrue();
        assertThat(List.of(page1.items().get(0).id(), page2.items().get(0).id()))
                .containsExactlyInAnyOrder(first, second);
        assertThatThrownBy(() -> client.getMember("nobody-" + UUID.randomUUID()))
                .isInstanceOfSatisfying(
                        MailroomApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    }
}
