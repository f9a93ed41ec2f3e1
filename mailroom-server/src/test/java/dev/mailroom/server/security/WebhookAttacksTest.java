package dev.mailroom.server.security;

import static dev.mailroom.server.support.Timelines.awaitActivity;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestSockets;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/**
 * Attacks on {@code POST /webhooks/{provider}}, against the running application over real
 * sockets. Calls that are meant to fail authentication come from loopback addresses other than
 * 127.0.0.1 (Linux routes all of 127.0.0.0/8 to the loopback interface), so that the per-source
 * throttle they provoke never touches the rest of the suite, which posts from 127.0.0.1.
 */
@EndToEndTest
@ExtendWith(OutputCaptureExtension.class)
class WebhookAttacksTest {
    private static final String SES_TOPIC = "arn:aws:sns:us-east-1:123456789012:mailroom-ses-events";
    private static final String POSTMARK_AUTH = "Basic "
            + Base64.getEncoder().encodeToString("postmark:postmark-webhook-secret".getBytes(StandardCharsets.UTF_8));
    /** The source of forged calls that should be refused but not block anything this class needs. */
    private static final String ATTACKER = "127.0.0.3";

    @LocalServerPort
    int port;

    @Autowired
    MailroomProperties properties;

    @Autowired
    Environment environment;

    @Autowired
    MeterRegistry meters;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    // --- SES fails closed, certificates only from regional SNS hosts

    @Test
    void anUnsignedSesMessageIsRefused() throws IOException {
        Map<String, String> fields = snsNotification(SES_TOPIC);
        fields.remove("Signature");

        Raw response = Raw.post(ATTACKER, port, "/webhooks/ses", json(fields), false);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body()).contains("not signed");
    }

    @Test
    void anSesMessageOfATopicNotConfiguredIsRefused() throws IOException {
        Raw response = Raw.post(
                ATTACKER,
                port,
                "/webhooks/ses",
                json(snsNotification("arn:aws:sns:us-east-1:666666666666:evil")),
                false);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body()).contains("not in mailroom.providers.ses.topic-arns");
    }

    @Test
    void aSigningCertificateOnABucketShapedAmazonHostIsNeverFetched() throws IOException {
        for (String host : List.of(
                "sns.s3.amazonaws.com", "sns.s3-external-1.amazonaws.com", "sns.attacker-bucket.amazonaws.com")) {
            Map<String, String> fields = snsNotification(SES_TOPIC);
            fields.put("SigningCertURL", "https://" + host + "/SimpleNotificationService-mailroom-test.pem");

            Raw response = Raw.post(ATTACKER, port, "/webhooks/ses", json(fields), false);

            assertThat(response.status()).isEqualTo(401);
            assertThat(response.body()).contains("not an SNS certificate URL");
        }
    }

    // --- verification before parsing

    @Test
    void callsWithoutCredentialsAreRefusedAsUnauthenticatedBeforeTheirBodyIsRead() throws IOException {
        byte[] notJson = "<xml>not json at all".getBytes(StandardCharsets.UTF_8);

        for (String provider : List.of("sandbox", "sendgrid", "postmark", "resend")) {
            Raw response = Raw.post(ATTACKER, port, "/webhooks/" + provider, notJson, false);

            assertThat(response.status()).as(provider).isEqualTo(401);
            assertThat(response.header("content-type")).as(provider).startsWith("application/problem+json");
        }
    }

    // --- failed authentications throttled per source

    @Test
    void afterRepeatedFailedAuthenticationsTheSourceIsThrottledAndNoOtherSourceIs() throws IOException {
        String guesser = "127.0.0.2";
        int max = properties.webhooks().authFailures().max();
        for (int i = 0; i < max; i++) {
            String guess = "Basic "
                    + Base64.getEncoder().encodeToString(("postmark:guess-" + i).getBytes(StandardCharsets.UTF_8));
            assertThat(Raw.post(guesser, port, "/webhooks/postmark", "{}".getBytes(), false, "Authorization", guess)
                            .status())
                    .isEqualTo(401);
        }

        // Even the right password is not tried any more from there...
        Raw blocked =
                Raw.post(guesser, port, "/webhooks/postmark", "{}".getBytes(), false, "Authorization", POSTMARK_AUTH);
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(Long.parseLong(blocked.header("retry-after"))).isPositive();
        assertThat(blocked.header("content-type")).startsWith("application/problem+json");
        assertThat(Raw.post(guesser, port, "/webhooks/sandbox", "{}".getBytes(), false)
                        .status())
                .isEqualTo(429);

        assertThat(meters.get("mailroom.webhooks.rejected")
                        .tags("provider", "postmark", "status", "429", "reason", "throttled")
                        .counter()
                        .count())
                .isPositive();
        assertThat(meters.get("mailroom.webhooks.rejected")
                        .tags("provider", "postmark", "status", "401", "reason", "unauthenticated")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(max);

        // ...while another source with the right credentials is served (400: authenticated, but {} is no Postmark
        // record).
        ApiClient.Response other = api.postRaw(
                "/webhooks/postmark",
                "{}".getBytes(),
                "Authorization",
                POSTMARK_AUTH,
                "Content-Type",
                "application/json");
        assertThat(other.status()).isEqualTo(400);
    }

    // --- flood: calls in progress per provider

    @Test
    void slowCallsBeyondTheConcurrencyLimitAreRefusedWith429AndAdmittedAgainWhenTheyEnd() throws IOException {
        int limit = properties.webhooks().maxConcurrentCalls();
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < limit; i++) {
                // Headers and a few bytes of a 1,000-byte body, then nothing: each holds one call in progress.
                Socket s = Raw.open("127.0.0.4", port);
                s.getOutputStream()
                        .write(
                                ("POST /webhooks/postmark HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                                + "Authorization: " + POSTMARK_AUTH
                                                + "\r\nContent-Length: 1000\r\n\r\n{\"Rec")
                                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s);
            }

            ApiClient.Response[] last = new ApiClient.Response[1];
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        last[0] = postmarkProbe();
                        return last[0].status() == 429;
                    });
            assertThat(last[0].headers().get("retry-after")).containsExactly("1");
            assertThat(last[0].json().get("detail").asString()).contains("mailroom.webhooks.max-concurrent-calls");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> postmarkProbe().status() == 400);
    }

    private ApiClient.Response postmarkProbe() {
        return api.postRaw(
                "/webhooks/postmark",
                "{}".getBytes(),
                "Authorization",
                POSTMARK_AUTH,
                "Content-Type",
                "application/json");
    }

    // --- body limit, chunked

    @Test
    void aChunkedBodyBeyondTheLimitIsRefusedWith413() throws IOException {
        byte[] body = new byte[properties.webhooks().maxBodyBytes() + 1000];
        Arrays.fill(body, (byte) ' ');

        Raw response = Raw.post("127.0.0.1", port, "/webhooks/postmark", body, true, "Authorization", POSTMARK_AUTH);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.header("content-type")).startsWith("application/problem+json");
        assertThat(response.body())
                .contains("limited to " + properties.webhooks().maxBodyBytes() + " bytes");
    }

    @Test
    void aChunkedSignedBodyWithinTheLimitIsRecorded() throws IOException {
        String id = api.submit(ApiClient.email("ada@example.org"));
        awaitStatus(api, id, "DELIVERED");
        byte[] body =
                sandboxEvent(id, "opened", "ada@example.org", Instant.now().toString(), Map.of());

        Raw response = Raw.post(
                "127.0.0.1",
                port,
                "/webhooks/sandbox",
                body,
                true,
                "X-Mailroom-Signature",
                TestSockets.sandboxSignature(
                        ApiClient.TEST_SANDBOX_SECRET, Instant.now().getEpochSecond(), body));

        assertThat(response.status()).isEqualTo(200);
        awaitStatus(api, id, "OPENED");
    }

    // --- event times and strings that the database could not hold

    @Test
    void aSignedEventFromYearOneBillionWithNulCharactersIsStoredAndReadable() throws IOException {
        String id = api.submit(ApiClient.email("ada@example.org"));
        awaitStatus(api, id, "DELIVERED");
        String farFuture = "+1000000000-01-01T00:00:00Z";
        Instant before = Instant.now();
        byte[] body = sandboxEvent(
                id, "clicked", "ada\u0000@example.org", farFuture, Map.of("user\u0000Agent", "Mozilla\u0000/5.0"));

        ApiClient.Response response = api.postRaw(
                "/webhooks/sandbox",
                body,
                "Content-Type",
                "application/json",
                "X-Mailroom-Signature",
                TestSockets.sandboxSignature(
                        ApiClient.TEST_SANDBOX_SECRET, Instant.now().getEpochSecond(), body));

        assertThat(response.status()).isEqualTo(200);
        JsonNode message = awaitActivity(api, id, "CLICKED");
        JsonNode clicked = null;
        for (JsonNode a : message.get("activities")) {
            if ("CLICKED".equals(a.get("status").asString())) {
                clicked = a;
            }
        }
        assertThat(clicked).isNotNull();
        assertThat(clicked.get("recipient").asString()).isEqualTo("ada@example.org");
        assertThat(Instant.parse(clicked.get("occurredAt").asString()))
                .isBetween(before.minusSeconds(1), Instant.now());
        assertThat(clicked.at("/details/providerOccurredAt").asString()).isEqualTo(farFuture);
        assertThat(clicked.at("/details/userAgent").asString()).isEqualTo("Mozilla/5.0");
    }

    // --- log forging

    @Test
    void aRejectedWebhookCannotWriteALineOfItsOwnIntoTheLog(CapturedOutput output) throws IOException {
        String forged =
                "2026-12-06T00:00:00.000Z  INFO 1 --- [main] FORGED-" + UUID.randomUUID() + " everything is fine";
        // Malformed (400, so no failed authentication is counted), and the refusal quotes the attacker's Type.
        byte[] body = ("{\"Type\":\"Notification\\r\\n" + forged + "\",\"MessageId\":\"m\"}")
                .getBytes(StandardCharsets.UTF_8);

        Raw response = Raw.post("127.0.0.1", port, "/webhooks/ses", body, false);

        assertThat(response.status()).isEqualTo(400);
        await().atMost(Duration.ofSeconds(10)).until(() -> output.getAll().contains("Notification\\r\\n" + forged));
        assertThat(output.getAll().lines()).noneMatch(line -> line.startsWith(forged));
    }

    // --- helpers

    private static Map<String, String> snsNotification(String topic) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "Notification");
        fields.put("MessageId", UUID.randomUUID().toString());
        fields.put("TopicArn", topic);
        fields.put("Message", "{\"eventType\":\"Bounce\"}");
        fields.put("Timestamp", Instant.now().toString());
        fields.put("SignatureVersion", "1");
        fields.put("Signature", Base64.getEncoder().encodeToString(new byte[256]));
        fields.put("SigningCertURL", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-mailroom-test.pem");
        return fields;
    }

    private static byte[] json(Map<String, String> fields) {
        return ApiClient.JSON.writeValueAsBytes(fields);
    }

    private static byte[] sandboxEvent(
            String mailroomId, String event, String recipient, String timestamp, Map<String, Object> details) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", UUID.randomUUID().toString());
        e.put("event", event);
        e.put("mailroom_id", mailroomId);
        e.put("message_id", "sandbox-attack");
        e.put("recipient", recipient);
        e.put("timestamp", timestamp);
        e.put("details", details);
        return ApiClient.JSON.writeValueAsBytes(Map.of("events", List.of(e)));
    }

    /** One HTTP/1.1 exchange over a plain socket from a chosen loopback address, chunked on request. */
    record Raw(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        static Socket open(String from, int port) throws IOException {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            return s;
        }

        static Raw post(String from, int port, String path, byte[] body, boolean chunked, String... headers)
                throws IOException {
            try (Socket s = open(from, port)) {
                StringBuilder head =
                        new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                + "Content-Type: application/json\r\n");
                for (int i = 0; i < headers.length; i += 2) {
                    head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
                }
                head.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n")
                        .append("\r\n");
                OutputStream out = s.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                if (chunked) {
                    for (int offset = 0; offset < body.length; offset += 16 * 1024) {
                        int n = Math.min(16 * 1024, body.length - offset);
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body, offset, n);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(body);
                }
                out.flush();
                return read(s.getInputStream());
            }
        }

        private static Raw read(InputStream in) throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        }
    }
}
