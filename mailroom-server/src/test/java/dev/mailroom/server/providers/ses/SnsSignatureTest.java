package dev.mailroom.server.providers.ses;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.support.ProviderHttpClients;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * SNS message signatures: real messages and certificates published by AWS (verified with a
 * fixed clock, since their certificates have long expired), and our own signed messages for
 * everything that must be refused.
 *
 * <p>Published vectors, copied into {@code src/test/resources}:
 * <ul>
 * <li>{@code vectors/php-signature-*.json} and certificate
 * {@code SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem}: the four HTTP fixtures
 * of aws/aws-php-sns-message-validator {@code tests/FunctionalValidationsTest.php}
 * (SignatureVersion 1 and 2, with and without Subject; July 2022);</li>
 * <li>{@code vectors/java-sdk-v1-signature-v1.json} and certificate
 * {@code SimpleNotificationService-bb750dd426d95ee9390147a5624348ee.pem}: aws/aws-sdk-java
 * {@code aws-java-sdk-sns/src/test/resources/message.json} (SignatureVersion 1 with Subject and
 * MessageAttributes; September 2015).</li>
 * </ul>
 */
class SnsSignatureTest {
    private static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final Path CACHE_DIR = Path.of(SnsTestSigner.CACHE_DIR);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static WireMockServer certificateHost;

    private final SnsTestSigner signer = SnsTestSigner.testKey();

    @BeforeAll
    static void startCertificateHost() {
        certificateHost = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        certificateHost.start();
    }

    @AfterAll
    static void stopCertificateHost() {
        certificateHost.stop();
    }

    /** Production rules, certificates only from the committed cache directory: nothing is downloaded. */
    private static SnsSignatureVerifier offline() {
        return new SnsSignatureVerifier(
                new SnsCertificates(
                        CACHE_DIR, ProviderHttpClients.newRestClientBuilder().build(), SnsEndpoints.AWS),
                TOLERANCE);
    }

    /** Certificates from the local fake certificate host (any http://127.0.0.1 URL ending .pem), no cache directory. */
    private static SnsSignatureVerifier downloading() {
        return new SnsSignatureVerifier(
                new SnsCertificates(
                        null, ProviderHttpClients.newRestClientBuilder().build(), LOCAL_HOSTS),
                TOLERANCE);
    }

    static final SnsEndpoints LOCAL_HOSTS = new SnsEndpoints() {
        @Override
        public boolean trustsCertificateUrl(URI url) {
            return "127.0.0.1".equals(url.getHost()) && url.getPath().endsWith(".pem");
        }

        @Override
        public boolean trustsSubscribeUrl(URI subscribeUrl, URI signingCertUrl) {
            return "127.0.0.1".equals(subscribeUrl.getHost());
        }
    };

    @ParameterizedTest
    @ValueSource(
            strings = {
                "php-signature-v1.json",
                "php-signature-v2.json",
                "php-signature-v1-subject.json",
                "php-signature-v2-subject.json",
                "java-sdk-v1-signature-v1.json"
            })
    void publishedAwsVectorsVerifyAtTheirOwnTime(String vector) throws IOException {
        SnsMessage message = SnsMessage.parse(vector(vector));

        assertThatCode(() -> offline().verify(message, message.sentAt().plusSeconds(30)))
                .doesNotThrowAnyException();
    }

    @Test
    void aPublishedVectorWithOneChangedByteIsRefused() throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(vector("php-signature-v2.json"));
        node.put("Message", "Hello world!");
        SnsMessage message = SnsMessage.parse(JSON.writeValueAsBytes(node));

        assertUnauthenticated(() -> offline().verify(message, message.sentAt()), "signature does not match");
    }

    @Test
    void aPublishedVersion1VectorRelabelledAsVersion2IsRefused() throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(vector("php-signature-v1.json"));
        node.put("SignatureVersion", "2");
        SnsMessage message = SnsMessage.parse(JSON.writeValueAsBytes(node));

        assertUnauthenticated(() -> offline().verify(message, message.sentAt()), "signature does not match");
    }

    @Test
    void aPublishedVectorIsRefusedWhenItsCertificateWasNotValidAtTheMessageTime() throws IOException {
        // The Java SDK vector's certificate expired in August 2016: the same message dated 2017
        // is refused for the certificate, whatever the clock says.
        ObjectNode node = (ObjectNode) JSON.readTree(vector("java-sdk-v1-signature-v1.json"));
        node.put("Timestamp", "2017-09-20T01:22:14.001Z");
        SnsMessage message = SnsMessage.parse(JSON.writeValueAsBytes(node));

        assertUnauthenticated(() -> offline().verify(message, message.sentAt()), "not valid at the message's time");
    }

    @Test
    void lambdaSpellingOfSigningCertUrlIsAccepted() throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(vector("php-signature-v1-subject.json"));
        node.set("SigningCertUrl", node.remove("SigningCertURL"));
        SnsMessage message = SnsMessage.parse(JSON.writeValueAsBytes(node));

        assertThatCode(() -> offline().verify(message, message.sentAt())).doesNotThrowAnyException();
    }

    @Test
    void ourOwnSignedMessagesVerifyInBothSignatureVersions() {
        for (String version : new String[] {"1", "2"}) {
            Map<String, String> fields = SnsTestSigner.notification("{\"eventType\":\"Send\"}", NOW);
            fields.put("SignatureVersion", version);
            fields.put("Subject", "Amazon SES Email Event Notification");
            SnsMessage message = SnsMessage.parse(signer.sign(fields));

            assertThatCode(() -> offline().verify(message, NOW)).doesNotThrowAnyException();
        }
    }

    @Test
    void aChangedTimestampIsRefused() {
        Map<String, String> fields = SnsTestSigner.notification("{\"eventType\":\"Send\"}", NOW);
        String signature = signer.signature(fields);
        fields.put("Timestamp", NOW.plusSeconds(1).toString());
        fields.put("Signature", signature);
        SnsMessage message = SnsMessage.parse(SnsTestSigner.json(fields));

        assertUnauthenticated(() -> offline().verify(message, NOW), "signature does not match");
    }

    @Test
    void aMessageSignedWithAnotherKeyIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        SnsTestSigner impostor = new SnsTestSigner(generator.generateKeyPair().getPrivate());
        SnsMessage message =
                SnsMessage.parse(impostor.sign(SnsTestSigner.notification("{\"eventType\":\"Send\"}", NOW)));

        assertUnauthenticated(() -> offline().verify(message, NOW), "signature does not match");
    }

    @Test
    void aMessageWithoutSignatureIsRefused() {
        Map<String, String> fields = SnsTestSigner.notification("{\"eventType\":\"Send\"}", NOW);

        assertUnauthenticated(() -> SnsMessage.parse(SnsTestSigner.json(fields)), "not signed");
    }

    @Test
    void anUnknownSignatureVersionIsRefused() {
        Map<String, String> fields = SnsTestSigner.notification("{\"eventType\":\"Send\"}", NOW);
        fields.put("SignatureVersion", "3");
        SnsMessage message = SnsMessage.parse(signer.sign(fields));

        assertUnauthenticated(() -> offline().verify(message, NOW), "SignatureVersion 3");
    }

    @Test
    void aMessageOlderThanSnsRedeliversIsRefusedButOneWithinTheHourIsAccepted() {
        SnsMessage stale =
                SnsMessage.parse(signer.sign(SnsTestSigner.notification("{}", NOW.minus(Duration.ofMinutes(66)))));
        SnsMessage retried =
                SnsMessage.parse(signer.sign(SnsTestSigner.notification("{}", NOW.minus(Duration.ofMinutes(59)))));

        assertUnauthenticated(() -> offline().verify(stale, NOW), "too old");
        assertThatCode(() -> offline().verify(retried, NOW)).doesNotThrowAnyException();
    }

    @Test
    void aMessageFromTheFutureIsRefused() {
        SnsMessage message =
                SnsMessage.parse(signer.sign(SnsTestSigner.notification("{}", NOW.plus(Duration.ofMinutes(6)))));

        assertUnauthenticated(() -> offline().verify(message, NOW), "in the future");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-mailroom-test.pem",
                "https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-mailroom-test.pem",
                "https://s3.amazonaws.com/SimpleNotificationService-mailroom-test.pem",
                "https://my-bucket.s3.us-east-1.amazonaws.com/SimpleNotificationService-mailroom-test.pem",
                // Bucket-shaped: S3 serves a bucket named "sns" (or anything) under these hosts.
                "https://sns.s3.amazonaws.com/SimpleNotificationService-mailroom-test.pem",
                "https://sns.s3-external-1.amazonaws.com/SimpleNotificationService-mailroom-test.pem",
                "https://sns.s3-website-us-east-1.amazonaws.com/SimpleNotificationService-mailroom-test.pem",
                "https://sns.s3-us-west-2.amazonaws.com/SimpleNotificationService-mailroom-test.pem",
                "https://sns.my-bucket.amazonaws.com/SimpleNotificationService-mailroom-test.pem",
                "https://sns.us-east-1.amazonaws.com.cn.evil.example/SimpleNotificationService-mailroom-test.pem",
                "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-mailroom-test.pem",
                "https://attacker@sns.us-east-1.amazonaws.com/SimpleNotificationService-mailroom-test.pem",
                "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-mailroom-test.crt",
                "file:///etc/SimpleNotificationService-mailroom-test.pem"
            })
    void certificatesAreOnlyTakenFromSnsHostsOverHttps(String url) {
        // The cache directory has this file name: the URL is refused before it is even looked up.
        Map<String, String> fields = SnsTestSigner.notification("{}", NOW);
        fields.put("SigningCertURL", url);
        SnsMessage message = SnsMessage.parse(signer.sign(fields));

        assertUnauthenticated(() -> offline().verify(message, NOW), "not an SNS certificate URL");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sns.us-east-1.amazonaws.com",
                "sns.eu-central-1.amazonaws.com",
                "sns.ap-southeast-2.amazonaws.com",
                "sns.il-central-1.amazonaws.com",
                "sns.us-gov-west-1.amazonaws.com",
                "sns.cn-north-1.amazonaws.com.cn",
                "sns.cn-northwest-1.amazonaws.com.cn",
                "SNS.US-EAST-1.AMAZONAWS.COM"
            })
    void theRegionalSnsHostsOfEveryPartitionAreSnsHosts(String host) {
        assertThat(SnsEndpoints.AWS.trustsCertificateUrl(
                        URI.create("https://" + host + "/SimpleNotificationService-1.pem")))
                .isTrue();
    }

    @Test
    void aCertificateUrlThatFailedIsNotFetchedAgainForAWhile() {
        certificateHost.stubFor(get(urlEqualTo("/gone/SimpleNotificationService-y.pem"))
                .willReturn(aResponse().withStatus(404)));
        certificateHost.stubFor(get(urlEqualTo("/flaky/SimpleNotificationService-y.pem"))
                .willReturn(aResponse().withStatus(503)));
        Map<String, String> fields = SnsTestSigner.notification("{}", NOW);
        fields.put(
                "SigningCertURL",
                "http://127.0.0.1:" + certificateHost.port() + "/gone/SimpleNotificationService-y.pem");
        SnsMessage gone = SnsMessage.parse(signer.sign(fields));
        fields.put(
                "SigningCertURL",
                "http://127.0.0.1:" + certificateHost.port() + "/flaky/SimpleNotificationService-y.pem");
        SnsMessage flaky = SnsMessage.parse(signer.sign(fields));
        SnsSignatureVerifier verifier = downloading();

        for (int i = 0; i < 5; i++) {
            assertUnauthenticated(() -> verifier.verify(gone, NOW), "404");
            assertThatThrownBy(() -> verifier.verify(flaky, NOW))
                    .isInstanceOf(SnsCertificates.SnsCertificateUnavailableException.class)
                    .hasMessageContaining("503");
        }

        certificateHost.verify(1, getRequestedFor(urlEqualTo("/gone/SimpleNotificationService-y.pem")));
        certificateHost.verify(1, getRequestedFor(urlEqualTo("/flaky/SimpleNotificationService-y.pem")));
    }

    @Test
    void aCertificateNotInTheCacheDirectoryIsDownloadedOnceAndRemembered() throws IOException {
        certificateHost.stubFor(get(urlEqualTo("/php/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody(Files.readAllBytes(
                                CACHE_DIR.resolve("SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem")))));
        SnsSignatureVerifier verifier = downloading();
        for (String vector : new String[] {"php-signature-v1.json", "php-signature-v2-subject.json"}) {
            ObjectNode node = (ObjectNode) JSON.readTree(vector(vector));
            // SigningCertURL is not part of what SNS signs, so it can be pointed at the fake host.
            node.put(
                    "SigningCertURL",
                    "http://127.0.0.1:" + certificateHost.port()
                            + "/php/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem");
            SnsMessage message = SnsMessage.parse(JSON.writeValueAsBytes(node));

            assertThatCode(() -> verifier.verify(message, message.sentAt())).doesNotThrowAnyException();
        }
        certificateHost.verify(
                1, getRequestedFor(urlEqualTo("/php/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem")));
    }

    @Test
    void theCacheDirectoryIsUsedBeforeAnyDownload() {
        SnsSignatureVerifier verifier = new SnsSignatureVerifier(
                new SnsCertificates(
                        CACHE_DIR, ProviderHttpClients.newRestClientBuilder().build(), LOCAL_HOSTS),
                TOLERANCE);
        Map<String, String> fields = SnsTestSigner.notification("{}", NOW);
        fields.put(
                "SigningCertURL", "http://127.0.0.1:" + certificateHost.port() + "/cached/" + SnsTestSigner.CERT_FILE);
        SnsMessage message = SnsMessage.parse(signer.sign(fields));

        assertThatCode(() -> verifier.verify(message, NOW)).doesNotThrowAnyException();
        certificateHost.verify(0, getRequestedFor(urlEqualTo("/cached/" + SnsTestSigner.CERT_FILE)));
    }

    @Test
    void aDownloadedCertificateMustBeIssuedToSns() throws IOException {
        // Our test certificate is for sns.amazonaws.com.test: trusted in the cache directory, not from the network.
        certificateHost.stubFor(get(urlEqualTo("/other/" + SnsTestSigner.CERT_FILE))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody(Files.readAllBytes(CACHE_DIR.resolve(SnsTestSigner.CERT_FILE)))));
        Map<String, String> fields = SnsTestSigner.notification("{}", NOW);
        fields.put(
                "SigningCertURL", "http://127.0.0.1:" + certificateHost.port() + "/other/" + SnsTestSigner.CERT_FILE);
        SnsMessage message = SnsMessage.parse(signer.sign(fields));

        assertUnauthenticated(() -> downloading().verify(message, NOW), "not issued to SNS");
    }

    @Test
    void aCertificateUrlThatDoesNotExistIsRefusedAndAnUnreachableOneIsOurProblem() {
        certificateHost.stubFor(get(urlEqualTo("/missing/SimpleNotificationService-x.pem"))
                .willReturn(aResponse().withStatus(404)));
        certificateHost.stubFor(get(urlEqualTo("/down/SimpleNotificationService-x.pem"))
                .willReturn(aResponse().withStatus(503)));
        Map<String, String> fields = SnsTestSigner.notification("{}", NOW);
        fields.put(
                "SigningCertURL",
                "http://127.0.0.1:" + certificateHost.port() + "/missing/SimpleNotificationService-x.pem");
        SnsMessage missing = SnsMessage.parse(signer.sign(fields));
        fields.put(
                "SigningCertURL",
                "http://127.0.0.1:" + certificateHost.port() + "/down/SimpleNotificationService-x.pem");
        SnsMessage down = SnsMessage.parse(signer.sign(fields));

        assertUnauthenticated(() -> downloading().verify(missing, NOW), "answered 404");
        // Not a 401: the webhook controller answers 5xx and SNS redelivers later.
        assertThatThrownBy(() -> downloading().verify(down, NOW))
                .isInstanceOf(SnsCertificates.SnsCertificateUnavailableException.class);
    }

    static byte[] vector(String name) throws IOException {
        try (InputStream in = SnsSignatureTest.class.getResourceAsStream("vectors/" + name)) {
            return in.readAllBytes();
        }
    }

    static void assertUnauthenticated(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason) {
        assertThatThrownBy(call)
                .isInstanceOf(WebhookRejectedException.class)
                .satisfies(
                        e -> assertThat(((WebhookRejectedException) e).status()).isEqualTo(401))
                .hasMessageContaining(reason);
    }
}
