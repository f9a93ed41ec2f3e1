package dev.mailroom.client;

import static dev.mailroom.client.FakeMailroom.dropConnection;
import static dev.mailroom.client.FakeMailroom.json;
import static dev.mailroom.client.FakeMailroom.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.Violation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The REST path against a loopback server answering in Mailroom's formats. */
class RestClientTest {
    private static final String KEY = "mr_test_key_0123456789";
    private static final UUID ID = UUID.fromString("5b0c6f1e-8a43-4c1e-9f7a-0d2b1c3e4f50");
    private static final String SUBMITTED =
            "{\"id\":\"" + ID + "\",\"status\":\"SUBMITTED\",\"location\":" + "\"/api/v1/messages/" + ID + "\"}";
    private static final String UNAVAILABLE =
            "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"try again\"}";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final FakeMailroom mailroom = newFake();

    private static FakeMailroom newFake() {
        try {
            return new FakeMailroom();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        mailroom.close();
    }

    private MailroomClient client(int maxAttempts) throws IOException {
        return MailroomClient.builder()
                .baseUrl(mailroom.baseUrl())
                .apiKey(KEY)
                .maxAttempts(maxAttempts)
                .initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(50))
                .requestTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static Email welcome(String to) {
        return new Email(
                new Address("app@example.com", "Example"),
                List.of(new Recipient(to, "Ada", "user-42")),
                null,
                null,
                null,
                "Welcome",
                "Hello Ada",
                null,
                null,
                List.of("welcome"),
                null,
                null);
    }

    @Test
    void submitsTheEmailsFieldsAtTheTopLevelWithTheKeyAsBearerToken() throws Exception {
        mailroom.answer(json(202, SUBMITTED));

        UUID id = client(4).submit(welcome("ada@example.org"), Instant.parse("2030-01-01T00:00:00Z"), "sandbox");

        assertThat(id).isEqualTo(ID);
        FakeMailroom.Request request = mailroom.requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.pathAndQuery()).isEqualTo("/api/v1/messages");
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Idempotency-Key")).isNotBlank();
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("from").path("email").asString()).isEqualTo("app@example.com");
        assertThat(body.path("to").get(0).path("memberId").asString()).isEqualTo("user-42");
        assertThat(body.path("subject").asString()).isEqualTo("Welcome");
        assertThat(body.path("sendAt").asString()).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(body.path("provider").asString()).isEqualTo("sandbox");
        assertThat(body.has("email")).as("no wrapper object").isFalse();
    }

    @Test
    void retriesALostAnswerAnd503And502And504WithTheSameIdempotencyKey() throws Exception {
        mailroom.answer(
                dropConnection(),
                problem(503, UNAVAILABLE),
                json(502, "{}"),
                problem(504, "{\"status\":504,\"title\":\"Gateway Timeout\"}"),
                json(202, SUBMITTED));

        UUID id = client(5).submit(welcome("ada@example.org"));

        assertThat(id).isEqualTo(ID);
        assertThat(mailroom.requests).hasSize(5);
        String key = mailroom.requests.get(0).header("Idempotency-Key");
        assertThat(mailroom.requests)
                .allSatisfy(r -> assertThat(r.header("Idempotency-Key")).isEqualTo(key));
        assertThat(mailroom.requests)
                .extracting(FakeMailroom.Request::body)
                .containsOnly(mailroom.requests.get(0).body());
    }

    @Test
    void sendsTheCallersTraceparentAndNothingWhenItIsMissingOrMalformed() throws Exception {
        mailroom.answer(json(202, SUBMITTED));
        String[] current = {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"};
        MailroomClient client = MailroomClient.builder()
                .baseUrl(mailroom.baseUrl())
                .apiKey(KEY)
                .traceParent(() -> current[0])
                .build();

        client.submit(welcome("ada@example.org"));
        current[0] = null;
        client.submit(welcome("ada@example.org"));
        // A value that is not a traceparent (here one that would smuggle a header in) is not sent.
        current[0] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\nX-Evil: 1";
        client.submit(welcome("ada@example.org"));

        assertThat(mailroom.requests.get(0).header("traceparent"))
                .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(mailroom.requests.get(1).header("traceparent")).isNull();
        assertThat(mailroom.requests.get(2).header("traceparent")).isNull();
        assertThat(mailroom.requests.get(2).header("X-Evil")).isNull();
    }

    @Test
    void eachLogicalSubmitHasAKeyOfItsOwn() throws Exception {
        mailroom.answer(json(202, SUBMITTED));
        MailroomClient client = client(4);

        client.submit(welcome("ada@example.org"));
        client.submit(welcome("ada@example.org"));

        assertThat(mailroom.requests.get(0).header("Idempotency-Key"))
                .isNotEqualTo(mailroom.requests.get(1).header("Idempotency-Key"));
    }

    @Test
    void theCallersIdempotencyKeyIsSentAsGiven() throws Exception {
        mailroom.answer(json(202, SUBMITTED, "Idempotent-Replayed", "true"));

        assertThat(client(4).submit(welcome("ada@example.org"), null, null, "welcome-user-42"))
                .isEqualTo(ID);

        assertThat(mailroom.requests.get(0).header("Idempotency-Key")).isEqualTo("welcome-user-42");
    }

    @Test
    void waitsOutA429sRetryAfterBeforeTheNextAttempt() throws Exception {
        mailroom.answer(
                problem(
                        429,
                        "{\"title\":\"Send limit reached\",\"status\":429,\"detail\":\"per-minute limit of 3\","
                                + "\"limit\":\"per-minute\",\"errors\":[{\"field\":\"organization\","
                                + "\"message\":\"over the per-minute limit\"}]}",
                        "Retry-After",
                        "1"),
                json(202, SUBMITTED));

        assertThat(client(4).submit(welcome("ada@example.org"))).isEqualTo(ID);

        assertThat(mailroom.requests).hasSize(2);
        long waited =
                mailroom.requests.get(1).atNanos() - mailroom.requests.get(0).atNanos();
        assertThat(Duration.ofNanos(waited)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(mailroom.requests.get(1).header("Idempotency-Key"))
                .isEqualTo(mailroom.requests.get(0).header("Idempotency-Key"));
    }

    @Test
    void aRetryAfterLongerThanTheClientWaitsIsAnsweredAtOnce() throws Exception {
        mailroom.answer(problem(429, "{\"title\":\"Send limit reached\",\"status\":429}", "Retry-After", "3600"));

        assertThatThrownBy(() -> client(4).submit(welcome("ada@example.org")))
                .isInstanceOfSatisfying(MailroomApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofHours(1));
                });
        assertThat(mailroom.requests).hasSize(1);
    }

    @Test
    void aRetryAfterOnA503IsWaitedOutRatherThanTheBackoff() throws Exception {
        mailroom.answer(problem(503, UNAVAILABLE, "Retry-After", "1"), json(202, SUBMITTED));

        assertThat(client(4).submit(welcome("ada@example.org"))).isEqualTo(ID);

        assertThat(mailroom.requests).hasSize(2);
        long waited =
                mailroom.requests.get(1).atNanos() - mailroom.requests.get(0).atNanos();
        assertThat(Duration.ofNanos(waited)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void givesUpOnLostAnswersAfterTheLastAttemptSayingHowManyWereMade() throws Exception {
        mailroom.answer(dropConnection());

        assertThatThrownBy(() -> client(3).submit(welcome("ada@example.org")))
                .isExactlyInstanceOf(IOException.class)
                .hasMessageStartingWith("POST /api/v1/messages failed after 3 attempts")
                .hasCauseInstanceOf(IOException.class);
        assertThat(mailroom.requests).hasSize(3);
        assertThat(mailroom.requests)
                .extracting(r -> r.header("Idempotency-Key"))
                .containsOnly(mailroom.requests.get(0).header("Idempotency-Key"));
    }

    @Test
    void anInterruptWhileWaitingOutARetryAfterEndsTheCallAtOnce() throws Exception {
        mailroom.answer(problem(429, "{\"title\":\"Send limit reached\",\"status\":429}", "Retry-After", "50"));

        assertInterruptEndsTheCall(client(4));
    }

    @Test
    void anInterruptWhileBackingOffAfterALostAnswerEndsTheCallAtOnce() throws Exception {
        mailroom.answer(dropConnection());
        MailroomClient patient = MailroomClient.builder()
                .baseUrl(mailroom.baseUrl())
                .apiKey(KEY)
                .maxAttempts(4)
                .initialBackoff(Duration.ofSeconds(40))
                .maxBackoff(Duration.ofSeconds(40))
                .build();

        assertInterruptEndsTheCall(patient);
    }

    /** Interrupted after its first attempt, a submit ends with an InterruptedIOException, the flag kept set. */
    private void assertInterruptEndsTheCall(MailroomClient client) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                client.submit(welcome("ada@example.org"));
            } catch (Throwable e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> mailroom.requests.size() == 1);

        caller.interrupt();

        // Far below the 20 s or more the client would otherwise wait before its second attempt.
        await().atMost(Duration.ofSeconds(5)).until(() -> !caller.isAlive());
        assertThat(thrown.get()).isInstanceOf(InterruptedIOException.class);
        assertThat(stillInterrupted).isTrue();
        assertThat(mailroom.requests).hasSize(1);
    }

    @Test
    void parsesA422ProblemWithTheFieldsAtFaultAndDoesNotRetryIt() throws Exception {
        mailroom.answer(problem(
                422,
                "{\"type\":\"about:blank\",\"title\":\"Invalid email\",\"status\":422,"
                        + "\"detail\":\"to[0].email must be an email address\",\"instance\":\"/api/v1/messages\","
                        + "\"errors\":[{\"field\":\"to[0].email\",\"message\":\"must be an email address\"}]}"));

        assertThatThrownBy(() -> client(4).submit(welcome("not-an-address")))
                .isInstanceOfSatisfying(MailroomApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.title()).isEqualTo("Invalid email");
                    assertThat(e.detail()).isEqualTo("to[0].email must be an email address");
                    assertThat(e.errors()).containsExactly(new Violation("to[0].email", "must be an email address"));
                    assertThat(e.property("instance")).isEqualTo("/api/v1/messages");
                    assertThat(e).hasMessageContaining("to[0].email");
                });
        assertThat(mailroom.requests).hasSize(1);
    }

    @Test
    void a401IsNotRetried() throws Exception {
        mailroom.answer(problem(
                401,
                "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                        + "\"detail\":\"a valid API key is needed\"}"));

        assertThatThrownBy(() -> client(4).submit(welcome("ada@example.org")))
                .isInstanceOfSatisfying(
                        MailroomApiException.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThat(mailroom.requests).hasSize(1);
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheLastProblem() throws Exception {
        mailroom.answer(problem(503, UNAVAILABLE));

        assertThatThrownBy(() -> client(3).submit(welcome("ada@example.org")))
                .isInstanceOfSatisfying(MailroomApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.detail()).isEqualTo("try again");
                });
        assertThat(mailroom.requests).hasSize(3);
    }

    @Test
    void anErrorThatIsNoProblemJsonStillSaysWhatCameBack() throws Exception {
        mailroom.answer(
                new FakeMailroom.Answer(403, "text/html", "<html>forbidden by proxy</html>", java.util.Map.of()));

        assertThatThrownBy(() -> client(4).getMessage(ID)).isInstanceOfSatisfying(MailroomApiException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.detail()).contains("forbidden by proxy");
        });
    }

    @Test
    void submitsABatchUnderOneKeyAndReportsTheRefusedItemsBesideTheAcceptedOnes() throws Exception {
        UUID second = UUID.randomUUID();
        mailroom.answer(json(
                207,
                "{\"results\":[{\"index\":0,\"status\":202,\"id\":\"" + ID + "\",\"location\":\"/api/v1/messages/"
                        + ID + "\",\"messageStatus\":\"SUBMITTED\"},"
                        + "{\"index\":1,\"status\":422,\"title\":\"Invalid email\",\"detail\":\"…\","
                        + "\"errors\":[{\"field\":\"to[0].email\",\"message\":\"must be an email address\"}]},"
                        + "{\"index\":2,\"status\":202,\"id\":\"" + second + "\",\"messageStatus\":\"SUBMITTED\"}],"
                        + "\"accepted\":2,\"rejected\":1}"));
        MailroomClient client = client(4);

        assertThatThrownBy(() -> client.submitAll(
                        List.of(welcome("ada@example.org"), welcome("bad"), welcome("bob@example.org"))))
                .isInstanceOfSatisfying(BatchRefusedException.class, e -> {
                    assertThat(e.result().ids()).containsExactly(ID, null, second);
                    assertThat(e.result().results().get(1).errors())
                            .containsExactly(new Violation("to[0].email", "must be an email address"));
                    assertThat(e).hasMessageContaining("[1] 422");
                });
        FakeMailroom.Request request = mailroom.requests.get(0);
        assertThat(request.pathAndQuery()).isEqualTo("/api/v1/messages/batch");
        assertThat(request.header("Idempotency-Key")).isNotBlank();
        assertThat(JSON.readTree(request.body()).path("messages").size()).isEqualTo(3);
    }

    @Test
    void readsAMessageWithItsRecipientsAndTimeline() throws Exception {
        mailroom.answer(json(
                200,
                "{\"id\":\"" + ID + "\",\"status\":\"DELIVERED\",\"from\":\"app@example.com\","
                        + "\"subject\":\"Welcome\",\"recipients\":[{\"kind\":\"to\",\"email\":\"ada@example.org\","
                        + "\"name\":\"Ada\",\"memberId\":\"user-42\",\"status\":\"DELIVERED\",\"activities\":["
                        + "{\"status\":\"DELIVERED\",\"occurredAt\":\"2026-12-06T10:00:02Z\","
                        + "\"recipient\":\"ada@example.org\",\"provider\":\"sandbox\"}]}],"
                        + "\"tags\":[\"welcome\"],\"metadata\":{},\"provider\":\"sandbox\",\"attempts\":1,"
                        + "\"submittedAt\":\"2026-12-06T10:00:00Z\",\"createdAt\":\"2026-12-06T10:00:00Z\","
                        + "\"updatedAt\":\"2026-12-06T10:00:02Z\",\"activities\":["
                        + "{\"status\":\"ACCEPTED\",\"occurredAt\":\"2026-12-06T10:00:00Z\"},"
                        + "{\"status\":\"DELIVERED\",\"occurredAt\":\"2026-12-06T10:00:02Z\","
                        + "\"recipient\":\"ada@example.org\",\"provider\":\"sandbox\",\"details\":{\"smtp\":250}}],"
                        + "\"recipientCounts\":{\"DELIVERED\":1},\"aFieldAddedLater\":true}"));

        MessageDetails message = client(4).getMessage(ID);

        assertThat(mailroom.requests.get(0).pathAndQuery()).isEqualTo("/api/v1/messages/" + ID);
        assertThat(mailroom.requests.get(0).header("Idempotency-Key")).isNull();
        assertThat(message.status()).isEqualTo("DELIVERED");
        assertThat(message.recipients().get(0).memberId()).isEqualTo("user-42");
        assertThat(message.recipients().get(0).activities())
                .extracting(Activity::status)
                .containsExactly("DELIVERED");
        assertThat(message.activities()).extracting(Activity::status).containsExactly("ACCEPTED", "DELIVERED");
        assertThat(message.activities().get(1).details()).containsEntry("smtp", 250);
        assertThat(message.recipientCounts()).containsEntry("DELIVERED", 1L);
        assertThat(message.reached("DELIVERED")).isTrue();
    }

    @Test
    void listsMessagesWithTheQueryEncodedAndFollowsTheCursor() throws Exception {
        mailroom.answer(
                json(
                        200,
                        "{\"items\":[{\"id\":\"" + ID + "\",\"status\":\"DELIVERED\",\"subject\":\"Welcome\","
                                + "\"recipients\":[{\"kind\":\"to\",\"email\":\"ada@example.org\",\"status\":\"DELIVERED\"}],"
                                + "\"tags\":[\"welcome\"],\"createdAt\":\"2026-12-06T10:00:00Z\"}],\"nextCursor\":\"abc+/=\"}"));

        Page<MessageSummary> page = client(4)
                .listMessages(MessageQuery.all()
                        .memberId("user 42")
                        .recipientStatus("BOUNCED", "COMPLAINED")
                        .since(Instant.parse("2026-12-01T00:00:00Z"))
                        .limit(1)
                        .cursor("x&y"));

        assertThat(mailroom.requests.get(0).pathAndQuery())
                .isEqualTo("/api/v1/messages?memberId=user%2042&recipientStatus=BOUNCED%2CCOMPLAINED"
                        + "&since=2026-12-01T00%3A00%3A00Z&limit=1&cursor=x%26y");
        assertThat(page.items()).extracting(MessageSummary::id).containsExactly(ID);
        assertThat(page.nextCursor()).isEqualTo("abc+/=");
        assertThat(page.hasNext()).isTrue();
    }

    @Test
    void listsAndReadsMembers() throws Exception {
        String member = "{\"memberId\":\"user/42\",\"name\":\"Ada\",\"emails\":[\"ada@example.org\"],\"messages\":3,"
                + "\"lastMessageAt\":\"2026-12-06T10:00:00Z\",\"statuses\":{\"DELIVERED\":2,\"BOUNCED\":1},"
                + "\"lastMessage\":{\"id\":\"" + ID + "\",\"subject\":\"Welcome\",\"status\":\"DELIVERED\","
                + "\"createdAt\":\"2026-12-06T10:00:00Z\"}}";
        mailroom.answer(json(200, "{\"items\":[" + member + "],\"nextCursor\":null}"), json(200, member));
        MailroomClient client = client(4);

        Page<Member> page = client.listMembers(MemberQuery.all().search("ada").limit(10));
        Member one = client.getMember("user/42");

        assertThat(mailroom.requests.get(0).pathAndQuery()).isEqualTo("/api/v1/members?search=ada&limit=10");
        assertThat(mailroom.requests.get(1).pathAndQuery()).isEqualTo("/api/v1/members/user%2F42");
        assertThat(page.hasNext()).isFalse();
        assertThat(page.items()).containsExactly(one);
        assertThat(one.statuses()).containsEntry("BOUNCED", 1L);
        assertThat(one.lastMessage().id()).isEqualTo(ID);
    }

    @Test
    void readsAreRetriedToo() throws Exception {
        mailroom.answer(problem(503, UNAVAILABLE), json(200, "{\"items\":[],\"nextCursor\":null}"));

        assertThat(client(4).listMembers(null).items()).isEmpty();
        assertThat(mailroom.requests).hasSize(2);
    }

    @Test
    void theBuilderNamesWhatIsMissing() {
        assertThatThrownBy(() ->
                        MailroomClient.builder().baseUrl(mailroom.baseUrl()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("apiKey");
        assertThatThrownBy(() -> MailroomClient.builder().apiKey(KEY).build()).hasMessageStartingWith("baseUrl");
        assertThatThrownBy(() -> MailroomClient.rest(java.net.URI.create("ftp://x"), KEY))
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> MailroomClient.builder()
                        .apiKey(KEY)
                        .baseUrl(mailroom.baseUrl())
                        .maxAttempts(0)
                        .build())
                .hasMessageContaining("maxAttempts");
    }

    @Test
    void anAmqpOnlyClientSaysReadsNeedTheBaseUrl() {
        MailroomClient restOnly = MailroomClient.rest(mailroom.baseUrl(), KEY);
        assertThat(restOnly.transport()).isEqualTo(MailroomClient.Transport.REST);
        assertThatThrownBy(() -> MailroomClient.builder()
                        .apiKey(KEY)
                        .transport(MailroomClient.Transport.AMQP)
                        .build())
                .hasMessageStartingWith("amqp");
    }
}
