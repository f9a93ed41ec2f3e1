package dev.mailroom.server.security;

import static dev.mailroom.server.support.Timelines.awaitActivity;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.client.InvalidEmailException;
import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.BrokerUri;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.MailboxSigning;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/**
 * Hostile input against the running application: bodies larger than the limit however they
 * arrive, JSON built to exhaust the parser, emails that try to set what Mailroom or a provider
 * controls, send times no database can hold, a dispatch command published straight onto the
 * dispatching queue, and webhook timestamps chosen to overflow. Each is refused with a clear
 * answer (413, 400, 422, 401, a FAILED activity or a dead-lettered message), never a 500 and never sent.
 */
@EndToEndTest
class HostileSubmissionsTest {
    private static final long LIMIT = 15L * 1024 * 1024;
    private static final String EMAIL_PREFIX =
            "{\"from\":{\"email\":\"app@example.com\"},\"to\":[{\"email\":\"ada@example.org\"}],"
                    + "\"subject\":\"Hi\",\"text\":\"";

    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    Environment env;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    // --- Bodies over the limit ---------------------------------------------------------------

    @Test
    void aChunkedBodyOverTheLimitIsRefusedBeforeItEnds() throws Exception {
        // The body is left open after limit + 1 MiB: an answer can only come from a server that
        // stopped reading at the limit, not from one that waited for (and buffered) the whole body.
        RawResponse response = RawHttp.postChunked(
                port,
                "/api/v1/messages",
                EMAIL_PREFIX,
                LIMIT + 1024 * 1024,
                false,
                "Authorization",
                "Bearer " + ApiClient.TEST_KEY,
                "Content-Type",
                "application/json");

        assertThat(response.status()).as(response.body()).isEqualTo(413);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body()).contains("limited to " + LIMIT + " bytes");
    }

    @Test
    void anOrdinaryClientStreamingABodyOverTheLimitReadsA413() throws Exception {
        // The JDK client sends a body of unknown length chunked, and reads the answer to its end.
        long size = LIMIT + 512 * 1024;
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/messages"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ApiClient.TEST_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
                        new ByteArrayInputStream(EMAIL_PREFIX.getBytes(StandardCharsets.UTF_8)), new Filler(size))))
                .build();

        HttpResponse<String> response = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void aChunkedBodyWithinTheLimitIsAccepted() throws Exception {
        RawResponse response = RawHttp.postChunked(
                port,
                "/api/v1/messages",
                EMAIL_PREFIX,
                200_000,
                true,
                "Authorization",
                "Bearer " + ApiClient.TEST_KEY,
                "Content-Type",
                "application/json");

        assertThat(response.status()).as(response.body()).isEqualTo(202);
        String id = ApiClient.JSON.readTree(response.body()).get("id").asString();
        awaitActivity(api, id, "QUEUED");
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedUnreadOnEverySpellingOfThePath() throws Exception {
        for (String path : List.of(
                "/api/v1/messages",
                "/api;x/v1/messages",
                "/%61pi/v1/messages",
                "//api/v1/messages",
                "/api/v1/settings/default-provider")) {
            RawResponse response = RawHttp.postDeclared(
                    port,
                    path,
                    LIMIT + 1,
                    "Authorization",
                    "Bearer " + ApiClient.TEST_KEY,
                    "Content-Type",
                    "application/json");

            assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(413);
            assertThat(response.contentType()).as(path).startsWith("application/problem+json");
        }
    }

    // --- JSON built to exhaust the parser ------------------------------------------------------

    @Test
    void deeplyNestedJsonIsABadRequestNotAnError() {
        // 100 levels: past the API's limit, well within Jackson's default (500) that let it through.
        String nested = "[".repeat(100) + "]".repeat(100);
        Response response =
                api.post("/api/v1/messages", ApiClient.email("ada@example.org", "{\"extra\":" + nested + "}"));

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aNumberOfHundredsOfDigitsIsABadRequest() {
        Response response =
                api.post("/api/v1/messages", ApiClient.email("ada@example.org", "{\"extra\":" + "9".repeat(300) + "}"));

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aBodyOfTooManyTokensIsABadRequest() {
        String many = "[" + "1,".repeat(150_000) + "1]";
        Response response =
                api.post("/api/v1/messages", ApiClient.email("ada@example.org", "{\"extra\":" + many + "}"));

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    // --- Emails that try to set what Mailroom or a provider controls --------------------------

    @Test
    void reservedAndProviderControlHeadersAreRefusedWhateverTheirCase() {
        List<String> names = List.of(
                "DKIM-Signature",
                "received",
                "Resent-From",
                "Content-Type",
                "content-transfer-encoding",
                "X-SES-CONFIGURATION-SET",
                "x-mailgun-variables",
                "X-SMTPAPI",
                "X-PM-Message-Stream",
                "X-Mailroom-Id");
        Map<String, String> headers = new LinkedHashMap<>();
        names.forEach(name -> headers.put(name, "x"));

        Response response = api.post(
                "/api/v1/messages",
                ApiClient.email("ada@example.org", "{\"headers\":" + ApiClient.JSON.writeValueAsString(headers) + "}"));

        assertThat(response.status()).isEqualTo(422);
        assertThat(fields(response))
                .containsExactlyInAnyOrderElementsOf(
                        names.stream().map(n -> "headers." + n).toList());
    }

    @Test
    void headerNamesAndValuesThatCouldInjectAreRefused() {
        Response response = api.post(
                "/api/v1/messages",
                ApiClient.email(
                        "ada@example.org",
                        "{\"headers\":{\"X-Bad Name\":\"x\",\"X-Nul\":\"a\\u0000b\",\"X-Vt\":\"a\\u000bb\",\"X-Crlf\":\"a\\r\\nBcc: v@example.com\"}}"));

        assertThat(response.status()).isEqualTo(422);
        assertThat(fields(response))
                .containsExactlyInAnyOrder("headers.X-Bad Name", "headers.X-Nul", "headers.X-Vt", "headers.X-Crlf");
    }

    @Test
    void countsAndSizesAreCappedAndEachViolationNamesItsField() {
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            headers.put("X-H" + i, "v");
            metadata.put("k" + i, "v");
        }
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            tags.add("t" + i);
        }
        Response tooMany = api.post(
                "/api/v1/messages",
                ApiClient.email(
                        "ada@example.org",
                        "{\"headers\":" + json(headers) + ",\"metadata\":" + json(metadata) + ",\"tags\":" + json(tags)
                                + "}"));

        assertThat(tooMany.status()).isEqualTo(422);
        assertThat(fields(tooMany)).containsExactlyInAnyOrder("headers", "metadata", "tags");

        Response eachField = api.post(
                "/api/v1/messages",
                ApiClient.email(
                        "ada@example.org",
                        "{"
                                + "\"tags\":[\"a\",\"b\",\"c\",\"not a tag!\"],"
                                + "\"metadata\":{\"foo\":\"" + "v".repeat(1001) + "\"},"
                                + "\"attachments\":[{\"filename\":\"ok.txt\",\"contentType\":\"text/plain\",\"content\":\"aGk=\"},"
                                + "{\"filename\":\"../../etc/passwd\",\"contentType\":\"text/plain\\r\\nBcc: v@example.com\",\"content\":\"%%%\"}]}"));

        assertThat(eachField.status()).isEqualTo(422);
        assertThat(fields(eachField))
                .containsExactlyInAnyOrder(
                        "tags[3]",
                        "metadata.foo",
                        "attachments[1].filename",
                        "attachments[1].contentType",
                        "attachments[1].content");
    }

    @Test
    void nullsInListsAndMapsAreNamedNotAServerError() {
        Response response = api.post(
                "/api/v1/messages",
                ApiClient.email(
                        "ada@example.org",
                        "{\"cc\":[null],\"headers\":{\"X-A\":null},\"metadata\":{\"plan\":null},\"tags\":[null],\"attachments\":[null]}"));

        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(fields(response))
                .containsExactlyInAnyOrder("cc[0]", "headers.X-A", "metadata.plan", "tags[0]", "attachments[0]");
    }

    // --- Send times ---------------------------------------------------------------------------

    @Test
    void aSendAtBeyondTheHorizonOrBeyondWhatCanBeStoredIsRefusedNamingSendAt() {
        for (String sendAt : List.of(
                Instant.now().plus(Duration.ofDays(400)).toString(),
                "+1000000000-12-31T23:59:59Z",
                "-1000000000-01-01T00:00:00Z",
                "+10000-01-01T00:00:00Z",
                "-4714-11-24T00:00:00Z")) {
            Response response =
                    api.post("/api/v1/messages", ApiClient.email("ada@example.org", "{\"sendAt\":\"" + sendAt + "\"}"));

            assertThat(response.status()).as(sendAt + ": " + response.body()).isEqualTo(422);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(fields(response)).as(sendAt).containsExactly("sendAt");
        }
    }

    @Test
    void aSendAtJavaCannotEvenParseIsABadRequest() {
        for (String sendAt :
                List.of("\"+1000000001-01-01T00:00:00Z\"", "1e30", "99999999999999999999", "-99999999999999999999")) {
            Response response =
                    api.post("/api/v1/messages", ApiClient.email("ada@example.org", "{\"sendAt\":" + sendAt + "}"));

            assertThat(response.status()).as(sendAt + ": " + response.body()).isBetween(400, 422);
            assertThat(response.contentType()).as(sendAt).startsWith("application/problem+json");
        }
    }

    @Test
    void aPastSendAtIsSentNow() {
        String id = api.submit(ApiClient.email("ada@example.org", "{\"sendAt\":\"0001-01-01T00:00:00Z\"}"));

        JsonNode message = awaitActivity(api, id, "QUEUED");
        assertThat(statuses(message)).doesNotContain("SCHEDULED");
    }

    @Test
    void theJavaClientRefusesWhatTheApiRefusesBeforePublishing() throws Exception {
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Hi",
                "x",
                null,
                Map.of("X-SES-CONFIGURATION-SET", "other"),
                null,
                null,
                null);
        Email valid = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Hi",
                "x",
                null,
                null,
                null,
                null,
                null);
        try (MailroomClient client = MailroomClient.connect(BrokerUri.of(env), ApiClient.TEST_KEY)) {
            assertThatThrownBy(() -> client.submit(email))
                    .isInstanceOfSatisfying(
                            InvalidEmailException.class,
                            e -> assertThat(e.violations())
                                    .extracting(Violation::field)
                                    .containsExactly("headers.X-SES-CONFIGURATION-SET"));
            assertThatThrownBy(() -> client.submit(valid, Instant.now().plus(Duration.ofDays(400)), null))
                    .isInstanceOfSatisfying(
                            InvalidEmailException.class,
                            e -> assertThat(e.violations())
                                    .extracting(Violation::field)
                                    .containsExactly("sendAt"));
            assertThatThrownBy(() -> client.submit(valid, Instant.MAX, null)).isInstanceOf(InvalidEmailException.class);
        }
    }

    // --- Behind the edges -----------------------------------------------------------------------

    @Test
    void aDispatchCommandBreakingTheRulesIsFailedWithTheReasonAndNeverSent() {
        // A real message waiting for its send time, then a forged command for it straight onto the
        // dispatching queue, as any producer with access to the broker could publish one.
        String id = api.submit(ApiClient.email(
                "ada@example.org", "{\"sendAt\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}"));
        awaitStatus(api, id, "SCHEDULED");
        Email forged = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Hi",
                "x",
                null,
                Map.of("X-Evil", "a\r\nBcc: victim@example.com", "X-SES-CONFIGURATION-SET", "other"),
                null,
                null,
                null);
        MessageProperties props = new MessageProperties();
        props.setMessageId("forged-" + id);
        props.setType(MessageTypes.DISPATCH_V1);
        rabbit.send(
                "",
                QueueNames.DISPATCHING,
                new Message(
                        ContractJson.write(new DispatchCommand(UUID.fromString(id), "default", 1, "sandbox", forged)),
                        props));

        JsonNode message = awaitStatus(api, id, "FAILED");

        assertThat(statuses(message)).doesNotContain("DISPATCHED", "DELIVERED");
        JsonNode failed = null;
        for (JsonNode activity : message.get("activities")) {
            if ("FAILED".equals(activity.get("status").asString())) {
                failed = activity;
            }
        }
        assertThat(failed.get("details").get("reason").asString())
                .contains("invalid email")
                .contains("headers.X-Evil")
                .contains("headers.X-SES-CONFIGURATION-SET");
    }

    @Test
    void aQueueMessageBeyondTheJsonLimitsIsDeadLetteredOnce() {
        String messageId = "deep-" + UUID.randomUUID();
        MessageProperties props = new MessageProperties();
        props.setMessageId(messageId);
        props.setType(MessageTypes.SUBMIT_V1);
        String body = "{\"id\":\"" + UUID.randomUUID() + "\",\"organizationId\":\"default\",\"extra\":"
                + "[".repeat(100) + "]".repeat(100) + "}";
        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(new Message(body.getBytes(StandardCharsets.UTF_8), props)));

        List<JsonNode> deadLettered = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            deadLettered.clear();
            deadLettered.addAll(deadLetters(messageId));
            return !deadLettered.isEmpty();
        });
        assertThat(deadLettered).hasSize(1);
        assertThat(deadLettered.get(0).get("reason").asString()).contains("nesting depth");
    }

    @Test
    void webhookTimestampsChosenToOverflowAreRefusedNotAnError() {
        // 429 counts as a refusal too: failed webhook authentications may be throttled per source.
        for (String t : List.of(
                Long.toString(Long.MIN_VALUE),
                Long.toString(Instant.now().getEpochSecond() + Long.MIN_VALUE),
                "99999999999999999999")) {
            byte[] empty = "{\"events\":[]}".getBytes(StandardCharsets.UTF_8);
            assertThat(api.postRaw(
                                    "/webhooks/sandbox",
                                    empty,
                                    "Content-Type",
                                    "application/json",
                                    "X-Mailroom-Signature",
                                    "t=" + t + ",v1=00")
                            .status())
                    .as("sandbox t=" + t)
                    .isIn(401, 429);
            assertThat(api.postRaw(
                                    "/webhooks/resend",
                                    empty,
                                    "Content-Type",
                                    "application/json",
                                    "svix-id",
                                    "msg_1",
                                    "svix-timestamp",
                                    t,
                                    "svix-signature",
                                    "v1,AAAA")
                            .status())
                    .as("resend t=" + t)
                    .isIn(401, 429);
            assertThat(api.postRaw(
                                    "/webhooks/sendgrid",
                                    "[]".getBytes(StandardCharsets.UTF_8),
                                    "Content-Type",
                                    "application/json",
                                    "X-Twilio-Email-Event-Webhook-Signature",
                                    "AAAA",
                                    "X-Twilio-Email-Event-Webhook-Timestamp",
                                    t)
                            .status())
                    .as("sendgrid t=" + t)
                    .isIn(401, 429);
            byte[] mailgun = ("{\"signature\":{\"timestamp\":\"" + t + "\",\"token\":\"tok\",\"signature\":\"00\"},"
                            + "\"event-data\":{\"event\":\"delivered\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(api.postRaw("/webhooks/mailgun", mailgun, "Content-Type", "application/json")
                            .status())
                    .as("mailgun t=" + t)
                    .isIn(401, 429);
        }
    }

    private List<JsonNode> deadLetters(String messageId) {
        Response response = api.get("/api/v1/dead-letters?limit=500");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode item : response.json().get("items")) {
            if (messageId.equals(item.path("messageId").asString(null))) {
                found.add(item);
            }
        }
        return found;
    }

    private static List<String> fields(Response response) {
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        return fields;
    }

    private static String json(Object value) {
        return ApiClient.JSON.writeValueAsString(value);
    }

    record RawResponse(int status, String contentType, String body) {}

    /** {@code size} bytes of 'a', made as they are read. */
    static final class Filler extends InputStream {
        private long left;

        Filler(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return 'a';
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            Arrays.fill(buffer, offset, offset + n, (byte) 'a');
            left -= n;
            return n;
        }
    }

    /**
     * HTTP/1.1 over a plain socket, for what the JDK client does not let a test do: a chunked
     * body of a chosen size left open, or a Content-Length declared and not sent. Reads the
     * status, the headers and the first part of the body, which is all an early refusal has sent
     * while the request is still open.
     */
    static final class RawHttp {
        private RawHttp() {}

        /** A chunked body: {@code prefix} then 'a' up to {@code size} bytes, then the final chunk if {@code finish}. */
        static RawResponse postChunked(
                int port, String path, String prefix, long size, boolean finish, String... headers) throws IOException {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(head(port, path, "Transfer-Encoding", "chunked", headers));
                Thread writer = new Thread(() -> writeChunks(out, prefix, size, finish), "chunked-body");
                writer.setDaemon(true);
                writer.start();
                return read(socket.getInputStream());
            }
        }

        /** Declares {@code length} bytes and sends none of them. */
        static RawResponse postDeclared(int port, String path, long length, String... headers) throws IOException {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(head(port, path, "Content-Length", Long.toString(length), headers));
                socket.getOutputStream().flush();
                return read(socket.getInputStream());
            }
        }

        private static byte[] head(int port, String path, String lengthHeader, String lengthValue, String... headers) {
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
            head.append(lengthHeader).append(": ").append(lengthValue).append("\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        }

        private static void writeChunks(OutputStream out, String prefix, long size, boolean finish) {
            try {
                byte[] start = prefix.getBytes(StandardCharsets.UTF_8);
                writeChunk(out, start, start.length);
                byte[] filler = new byte[64 * 1024];
                Arrays.fill(filler, (byte) 'a');
                long sent = start.length;
                while (sent < size) {
                    int n = (int) Math.min(filler.length, size - sent);
                    writeChunk(out, filler, n);
                    sent += n;
                }
                if (finish) {
                    byte[] end = "\"}".getBytes(StandardCharsets.UTF_8);
                    writeChunk(out, end, end.length);
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException closedByTheServer) {
                // Expected once the server has refused the body and closed the connection.
            }
        }

        private static void writeChunk(OutputStream out, byte[] data, int length) throws IOException {
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, 0, length);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        private static RawResponse read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(
                        header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).trim());
            }
            byte[] body;
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                body = in.readNBytes(size);
            } else if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            } else {
                body = new byte[0];
            }
            return new RawResponse(
                    status, headers.getOrDefault("content-type", ""), new String(body, StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed after: " + line.toString(StandardCharsets.US_ASCII));
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }
    }
}
