package dev.mailroom.server.providers.ses;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.mailroom.server.providers.ses.SesEventFixtures.SES_ID;
import static dev.mailroom.server.providers.ses.SesEventFixtures.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import dev.mailroom.server.providers.support.ProviderHttpClients;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /webhooks/ses}: SNS-delivered SES events, signed with the test key, become activities
 * with the Contract's statuses, SES's own event names and the useful details.
 */
class SesWebhookReceiverTest {
    private static final Instant NOW = Instant.parse("2026-02-28T10:15:00Z");
    private static WireMockServer sns;

    private final SnsTestSigner signer = SnsTestSigner.testKey();
    private final String mailroomId = UUID.randomUUID().toString();
    private SesWebhookReceiver receiver;

    /** Production rule for certificates; subscriptions may be confirmed on the local fake SNS. */
    static final SnsEndpoints LOCAL_SUBSCRIBE = new SnsEndpoints() {
        @Override
        public boolean trustsCertificateUrl(URI url) {
            return SnsEndpoints.AWS.trustsCertificateUrl(url);
        }

        @Override
        public boolean trustsSubscribeUrl(URI subscribeUrl, URI signingCertUrl) {
            return "127.0.0.1".equals(subscribeUrl.getHost());
        }
    };

    @BeforeAll
    static void startSns() {
        sns = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        sns.start();
    }

    @AfterAll
    static void stopSns() {
        sns.stop();
    }

    @BeforeEach
    void newReceiver() {
        sns.resetAll();
        receiver = receiver(List.of(SnsTestSigner.TOPIC), LOCAL_SUBSCRIBE);
    }

    static SesWebhookReceiver receiver(List<String> topicArns, SnsEndpoints endpoints) {
        return receiver(topicArns, false, endpoints);
    }

    static SesWebhookReceiver receiver(List<String> topicArns, boolean acceptAnyTopic, SnsEndpoints endpoints) {
        SesProperties properties = new SesProperties(
                "us-east-1", null, null, null, "mailroom", SnsTestSigner.CACHE_DIR, topicArns, acceptAnyTopic);
        return new SesWebhookReceiver(
                properties,
                mailroomProperties(),
                ProviderHttpClients.newRestClientBuilder(),
                Clock.fixed(NOW, ZoneOffset.UTC),
                endpoints);
    }

    static MailroomProperties mailroomProperties() {
        return new MailroomProperties(
                null,
                Path.of("target/unused"),
                new MailroomProperties.Api(null),
                new MailroomProperties.Webhooks(Duration.ofMinutes(5), 5_242_880),
                new MailroomProperties.Operator(200, 2, 5, Duration.ofSeconds(2), Duration.ofSeconds(1)),
                new MailroomProperties.Dispatcher(50, 2, 32));
    }

    private List<ActivityReport> deliver(Map<String, String> fields) {
        return receiver.receive(new WebhookRequest(
                signer.sign(fields),
                Map.of(
                        "x-amz-sns-message-type", List.of(fields.get("Type")),
                        "x-amz-sns-message-id", List.of(fields.get("MessageId")),
                        "Content-Type", List.of("text/plain; charset=UTF-8"))));
    }

    private List<ActivityReport> notify(String sesEvent) {
        return deliver(SnsTestSigner.notification(sesEvent, NOW));
    }

    @Test
    void aSendEventIsDispatchedAndCarriesOurIdAndSesMessageId() {
        Map<String, String> fields =
                SnsTestSigner.notification(SesEventFixtures.send(mail(mailroomId, "ada@example.org")), NOW);

        List<ActivityReport> reports = deliver(fields);

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.DISPATCHED);
            assertThat(r.providerEvent()).isEqualTo("Send");
            assertThat(r.provider()).isEqualTo("ses");
            assertThat(r.messageId()).isEqualTo(UUID.fromString(mailroomId));
            assertThat(r.providerMessageId()).isEqualTo(SES_ID);
            assertThat(r.id()).isEqualTo(Ids.providerEvent("ses", fields.get("MessageId")));
            assertThat(r.occurredAt()).isEqualTo(Instant.parse("2026-02-28T09:59:00.000Z"));
        });
    }

    @Test
    void aDeliveryIsOneDeliveredActivityPerRecipientWithTheSmtpResponse() {
        Map<String, String> fields = SnsTestSigner.notification(
                SesEventFixtures.delivery(
                        mail(mailroomId, "ada@example.org", "grace@example.org"),
                        "ada@example.org",
                        "grace@example.org"),
                NOW);

        List<ActivityReport> reports = deliver(fields);

        assertThat(reports)
                .extracting(ActivityReport::recipient)
                .containsExactly("ada@example.org", "grace@example.org");
        assertThat(reports)
                .extracting(ActivityReport::id)
                .containsExactly(
                        Ids.providerEvent("ses", fields.get("MessageId") + "/ada@example.org"),
                        Ids.providerEvent("ses", fields.get("MessageId") + "/grace@example.org"));
        assertThat(reports).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.DELIVERED);
            assertThat(r.providerEvent()).isEqualTo("Delivery");
            assertThat(r.occurredAt()).isEqualTo(Instant.parse("2026-02-28T09:59:12.133Z"));
            assertThat(r.details())
                    .containsEntry("smtpResponse", "250 2.6.0 Message received")
                    .containsEntry("reportingMTA", "a8-70.smtp-out.amazonses.com")
                    .containsEntry("processingTimeMillis", 11893L);
        });
    }

    @Test
    void aPermanentBounceIsAHardBounceWithTheDiagnosticCode() {
        List<ActivityReport> reports = notify(SesEventFixtures.bounce(
                mail(mailroomId, "nobody@example.org"),
                "Permanent",
                "General",
                "nobody@example.org",
                "smtp; 550 5.1.1 user unknown"));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.BOUNCED);
            assertThat(r.providerEvent()).isEqualTo("Bounce");
            assertThat(r.recipient()).isEqualTo("nobody@example.org");
            assertThat(r.occurredAt()).isEqualTo(Instant.parse("2026-02-28T09:59:30.669Z"));
            assertThat(r.details())
                    .containsEntry("bounceType", "hard")
                    .containsEntry("sesBounceType", "Permanent")
                    .containsEntry("bounceSubType", "General")
                    .containsEntry("reason", "smtp; 550 5.1.1 user unknown")
                    .containsEntry("status", "5.1.1")
                    .containsEntry("action", "failed")
                    .containsEntry("feedbackId", "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000");
        });
    }

    @Test
    void transientAndUndeterminedBouncesAreSoftAndUndetermined() {
        List<ActivityReport> soft = notify(SesEventFixtures.bounce(
                mail(mailroomId, "full@example.org"),
                "Transient",
                "MailboxFull",
                "full@example.org",
                "smtp; 552 5.2.2 mailbox full"));
        List<ActivityReport> unknown = notify(SesEventFixtures.bounce(
                mail(mailroomId, "odd@example.org"),
                "Undetermined",
                "Undetermined",
                "odd@example.org",
                "smtp; 554 unknown"));

        assertThat(soft.get(0).details())
                .containsEntry("bounceType", "soft")
                .containsEntry("bounceSubType", "MailboxFull");
        assertThat(unknown.get(0).details()).containsEntry("bounceType", "undetermined");
        assertThat(List.of(soft.get(0).status(), unknown.get(0).status())).containsOnly(MessageStatus.BOUNCED);
    }

    @Test
    void aBounceBecauseOfASuppressionListNamesTheSuppression() {
        List<ActivityReport> global = notify(SesEventFixtures.bounce(
                mail(mailroomId, "gone@example.org"),
                "Permanent",
                "Suppressed",
                "gone@example.org",
                "Amazon SES has suppressed sending to this address"));
        List<ActivityReport> account = notify(SesEventFixtures.bounce(
                mail(mailroomId, "listed@example.org"),
                "Permanent",
                "OnAccountSuppressionList",
                "listed@example.org",
                "Amazon SES did not send the message to this address because it is on the suppression list"));
        List<ActivityReport> general = notify(SesEventFixtures.bounce(
                mail(mailroomId, "nobody@example.org"),
                "Permanent",
                "General",
                "nobody@example.org",
                "smtp; 550 5.1.1 user unknown"));

        assertThat(global.get(0).details()).containsEntry("suppression", "hard-bounce");
        assertThat(account.get(0).details()).containsEntry("suppression", "provider");
        assertThat(general.get(0).details()).doesNotContainKey("suppression");
    }

    @Test
    void aComplaintIsComplainedWithTheFeedbackType() {
        List<ActivityReport> reports =
                notify(SesEventFixtures.complaint(mail(mailroomId, "ada@example.org"), "ada@example.org"));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.COMPLAINED);
            assertThat(r.providerEvent()).isEqualTo("Complaint");
            assertThat(r.recipient()).isEqualTo("ada@example.org");
            assertThat(r.details())
                    .containsEntry("feedbackType", "abuse")
                    .containsKey("userAgent")
                    .containsEntry("arrivalDate", "2026-02-28T10:30:02.669Z");
        });
    }

    @Test
    void aRejectIsDroppedWithSesReason() {
        List<ActivityReport> reports = notify(SesEventFixtures.reject(mail(mailroomId, "ada@example.org")));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.DROPPED);
            assertThat(r.providerEvent()).isEqualTo("Reject");
            assertThat(r.details()).containsEntry("reason", "Bad content");
        });
    }

    @Test
    void anOpenIsOpenedWithUserAgentAndIpOfTheOnlyRecipient() {
        List<ActivityReport> reports = notify(SesEventFixtures.open(mail(mailroomId, "ada@example.org")));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.OPENED);
            assertThat(r.providerEvent()).isEqualTo("Open");
            assertThat(r.recipient()).isEqualTo("ada@example.org");
            assertThat(r.occurredAt()).isEqualTo(Instant.parse("2026-02-28T10:05:19.652Z"));
            assertThat(r.details())
                    .containsEntry("ipAddress", "192.0.2.1")
                    .hasEntrySatisfying(
                            "userAgent", ua -> assertThat(ua).asString().startsWith("Mozilla/5.0 (iPhone"));
        });
    }

    @Test
    void anOpenOfAMessageToSeveralRecipientsNamesNoRecipient() {
        List<ActivityReport> reports =
                notify(SesEventFixtures.open(mail(mailroomId, "ada@example.org", "grace@example.org")));

        assertThat(reports)
                .singleElement()
                .satisfies(r -> assertThat(r.recipient()).isNull());
    }

    @Test
    void aClickIsClickedWithTheLinkAndItsTags() {
        List<ActivityReport> reports = notify(SesEventFixtures.click(mail(mailroomId, "ada@example.org")));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.CLICKED);
            assertThat(r.providerEvent()).isEqualTo("Click");
            assertThat(r.details())
                    .containsEntry("url", "https://example.com/welcome?ref=email")
                    .containsEntry("linkTags", Map.of("samplekey0", List.of("samplevalue0")))
                    .containsKey("userAgent");
        });
    }

    @Test
    void aRenderingFailureIsFailedWithTheTemplateError() {
        List<ActivityReport> reports = notify(SesEventFixtures.renderingFailure(mail(mailroomId, "ada@example.org")));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.FAILED);
            assertThat(r.providerEvent()).isEqualTo("Rendering Failure");
            assertThat(r.details())
                    .containsEntry("reason", "Attribute 'attributeName' is not present in the rendering data.")
                    .containsEntry("templateName", "MyTemplate");
        });
    }

    @Test
    void aDeliveryDelayIsDeferredPerDelayedRecipient() {
        List<ActivityReport> reports = notify(SesEventFixtures.deliveryDelay(
                mail(mailroomId, "ada@example.org", "grace@example.org"), "ada@example.org", "grace@example.org"));

        assertThat(reports)
                .extracting(ActivityReport::recipient)
                .containsExactly("ada@example.org", "grace@example.org");
        assertThat(reports).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.DEFERRED);
            assertThat(r.providerEvent()).isEqualTo("DeliveryDelay");
            assertThat(r.details())
                    .containsEntry("delayType", "TransientCommunicationFailure")
                    .containsEntry("reason", "smtp; 421 4.4.1 Unable to connect to remote host")
                    .containsEntry("expirationTime", "2026-02-28T22:09:40.914Z");
        });
        assertThat(reports.get(0).id()).isNotEqualTo(reports.get(1).id());
    }

    @Test
    void aSubscriptionEventIsUnsubscribedWithTheNewPreferences() {
        List<ActivityReport> reports = notify(SesEventFixtures.subscription(mail(mailroomId, "ada@example.org")));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.UNSUBSCRIBED);
            assertThat(r.providerEvent()).isEqualTo("Subscription");
            assertThat(r.recipient()).isEqualTo("ada@example.org");
            assertThat(r.details())
                    .containsEntry("contactList", "ContactListName")
                    .containsEntry("source", "UnsubscribeHeader")
                    .containsEntry("unsubscribeAll", true);
        });
    }

    @Test
    void anIdentityNotificationWithoutOurTagIsMatchedBySesMessageId() {
        List<ActivityReport> reports = notify(SesEventFixtures.identityBounce("nobody@example.org"));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.BOUNCED);
            assertThat(r.messageId()).isNull();
            assertThat(r.providerMessageId()).isEqualTo(SES_ID);
            assertThat(r.details()).containsEntry("bounceType", "hard");
        });
    }

    @Test
    void aMailroomIdTagThatIsNotOursLeavesTheEventToBeMatchedBySesMessageId() {
        List<ActivityReport> reports = notify(SesEventFixtures.send(mail("not-a-uuid", "ada@example.org")));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.messageId()).isNull();
            assertThat(r.providerMessageId()).isEqualTo(SES_ID);
        });
    }

    @Test
    void theSameSnsMessageDeliveredTwiceGivesTheSameActivityIds() {
        Map<String, String> fields = SnsTestSigner.notification(
                SesEventFixtures.delivery(mail(mailroomId, "ada@example.org"), "ada@example.org"), NOW);

        assertThat(deliver(fields))
                .extracting(ActivityReport::id)
                .isEqualTo(deliver(fields).stream().map(ActivityReport::id).toList());
    }

    @Test
    void unknownEventTypesAndSesSubscriptionNoticesRecordNothing() {
        assertThat(notify("{\"eventType\":\"Teleported\",\"mail\":" + mail(mailroomId, "ada@example.org") + "}"))
                .isEmpty();
        assertThat(notify(
                        "{\"notificationType\":\"AmazonSnsSubscriptionSucceeded\",\"message\":\"You have successfully subscribed your "
                                + "Amazon SNS topic 'arn:aws:sns:us-east-1:123456789012:mailroom-ses-events' to receive 'Bounce' notifications from "
                                + "Amazon SES for identity 'example.com'.\"}"))
                .isEmpty();
    }

    @Test
    void aSubscriptionConfirmationIsConfirmedByFetchingTheSubscribeUrl() {
        sns.stubFor(
                get(urlPathEqualTo("/"))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withBody(
                                                "<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>"
                                                        + SnsTestSigner.TOPIC
                                                        + ":0f6b1c2d</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>")));
        String subscribeUrl = "http://127.0.0.1:" + sns.port() + "/?Action=ConfirmSubscription&TopicArn="
                + SnsTestSigner.TOPIC + "&Token=2336412f37fb687f5d51e6e2425dacbba9e4fe3e3b1d1a5f2a1b0c9d8e7f6a5b";

        List<ActivityReport> reports = deliver(SnsTestSigner.subscriptionConfirmation(subscribeUrl, NOW));

        assertThat(reports).isEmpty();
        sns.verify(
                1,
                getRequestedFor(urlPathEqualTo("/"))
                        .withQueryParam("Action", equalTo("ConfirmSubscription"))
                        .withQueryParam("TopicArn", equalTo(SnsTestSigner.TOPIC)));
    }

    @Test
    void aSubscribeUrlOffTheSigningSnsHostIsNotFetched() {
        SesWebhookReceiver production = receiver(List.of(SnsTestSigner.TOPIC), SnsEndpoints.AWS);
        String subscribeUrl =
                "http://127.0.0.1:" + sns.port() + "/?Action=ConfirmSubscription&TopicArn=" + SnsTestSigner.TOPIC;

        List<ActivityReport> reports = production.receive(
                new WebhookRequest(signer.sign(SnsTestSigner.subscriptionConfirmation(subscribeUrl, NOW)), Map.of()));

        assertThat(reports).isEmpty();
        sns.verify(0, anyRequestedFor(anyUrl()));
        assertThat(SnsEndpoints.AWS.trustsSubscribeUrl(
                        URI.create("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription"),
                        URI.create(SnsTestSigner.SNS_CERT_URL)))
                .isTrue();
        assertThat(SnsEndpoints.AWS.trustsSubscribeUrl(
                        URI.create("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"),
                        URI.create(SnsTestSigner.SNS_CERT_URL)))
                .isFalse();
    }

    @Test
    void aForgedSubscriptionConfirmationIsRefusedAndNotFetched() {
        Map<String, String> fields = SnsTestSigner.subscriptionConfirmation(
                "http://127.0.0.1:" + sns.port() + "/?Action=ConfirmSubscription", NOW);
        byte[] signed = signer.sign(fields);
        fields.put(
                "SubscribeURL",
                "http://127.0.0.1:" + sns.port()
                        + "/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:666:evil");
        fields.put("Signature", new String(signed).replaceAll(".*\"Signature\":\"([^\"]+)\".*", "$1"));

        assertThatThrownBy(() -> receiver.receive(new WebhookRequest(SnsTestSigner.json(fields), Map.of())))
                .isInstanceOf(WebhookRejectedException.class)
                .extracting(e -> ((WebhookRejectedException) e).status())
                .isEqualTo(401);
        sns.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anUnsubscribeConfirmationRecordsNothing() {
        Map<String, String> fields = SnsTestSigner.subscriptionConfirmation(
                "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription", NOW);
        fields.put("Type", "UnsubscribeConfirmation");

        assertThat(deliver(fields)).isEmpty();
        sns.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void onlyTheConfiguredTopicsAreAccepted() {
        SesWebhookReceiver pinned = receiver(List.of(SnsTestSigner.TOPIC), LOCAL_SUBSCRIBE);
        Map<String, String> ours =
                SnsTestSigner.notification(SesEventFixtures.send(mail(mailroomId, "ada@example.org")), NOW);
        Map<String, String> theirs =
                SnsTestSigner.notification(SesEventFixtures.send(mail(mailroomId, "ada@example.org")), NOW);
        theirs.put("TopicArn", "arn:aws:sns:us-east-1:210987654321:someone-else");

        assertThat(pinned.receive(new WebhookRequest(signer.sign(ours), Map.of())))
                .hasSize(1);
        assertThatThrownBy(() -> pinned.receive(new WebhookRequest(signer.sign(theirs), Map.of())))
                .isInstanceOf(WebhookRejectedException.class)
                .hasMessageContaining("not in mailroom.providers.ses.topic-arns");
    }

    @Test
    void withoutTopicArnsEveryMessageIsForbiddenAndNoSubscriptionIsConfirmed() {
        SesWebhookReceiver unconfigured = receiver(List.of(), LOCAL_SUBSCRIBE);
        String subscribeUrl =
                "http://127.0.0.1:" + sns.port() + "/?Action=ConfirmSubscription&TopicArn=" + SnsTestSigner.TOPIC;
        byte[] confirmation = signer.sign(SnsTestSigner.subscriptionConfirmation(subscribeUrl, NOW));
        byte[] notification = signer.sign(
                SnsTestSigner.notification(SesEventFixtures.send(mail(mailroomId, "ada@example.org")), NOW));

        for (byte[] body : List.of(confirmation, notification, "not even json".getBytes())) {
            assertThatThrownBy(() -> unconfigured.receive(new WebhookRequest(body, Map.of())))
                    .isInstanceOf(WebhookRejectedException.class)
                    .hasMessageContaining("mailroom.providers.ses.topic-arns")
                    .hasMessageContaining("accept-any-topic")
                    .satisfies(e ->
                            assertThat(((WebhookRejectedException) e).status()).isEqualTo(403));
        }
        sns.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void acceptAnyTopicTakesSignedMessagesOfAnyTopic() {
        SesWebhookReceiver open = receiver(List.of(), true, LOCAL_SUBSCRIBE);
        Map<String, String> theirs =
                SnsTestSigner.notification(SesEventFixtures.send(mail(mailroomId, "ada@example.org")), NOW);
        theirs.put("TopicArn", "arn:aws:sns:us-east-1:210987654321:someone-else");

        assertThat(open.receive(new WebhookRequest(signer.sign(theirs), Map.of())))
                .hasSize(1);
    }

    @Test
    void aMessageOfAnotherTopicIsRefusedBeforeAnyCertificateIsFetched() {
        SnsEndpoints localCertificates = new SnsEndpoints() {
            @Override
            public boolean trustsCertificateUrl(URI url) {
                return "127.0.0.1".equals(url.getHost());
            }

            @Override
            public boolean trustsSubscribeUrl(URI subscribeUrl, URI signingCertUrl) {
                return false;
            }
        };
        SesWebhookReceiver pinned = receiver(List.of(SnsTestSigner.TOPIC), localCertificates);
        Map<String, String> theirs =
                SnsTestSigner.notification(SesEventFixtures.send(mail(mailroomId, "ada@example.org")), NOW);
        theirs.put("TopicArn", "arn:aws:sns:us-east-1:210987654321:someone-else");
        theirs.put("SigningCertURL", "http://127.0.0.1:" + sns.port() + "/SimpleNotificationService-unknown.pem");

        assertStatus(() -> pinned.receive(new WebhookRequest(signer.sign(theirs), Map.of())), 401);
        sns.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aBodyThatIsNotAnSnsMessageIsMalformed() {
        assertStatus(() -> receiver.receive(new WebhookRequest("not json".getBytes(), Map.of())), 400);
        assertStatus(() -> receiver.receive(new WebhookRequest("[1,2]".getBytes(), Map.of())), 400);
        assertStatus(
                () -> receiver.receive(new WebhookRequest("{\"Type\":\"Notification\"}".getBytes(), Map.of())), 400);
    }

    @Test
    void theSignatureIsCheckedBeforeTheSesEventIsRead() {
        // Tampered and not even JSON inside: refused as forged (401), never parsed (which would be 400).
        Map<String, String> fields =
                SnsTestSigner.notification(SesEventFixtures.send(mail(mailroomId, "ada@example.org")), NOW);
        byte[] signed = signer.sign(fields);
        String body = new String(signed).replace("\"Message\":\"{", "\"Message\":\"x{");

        assertStatus(() -> receiver.receive(new WebhookRequest(body.getBytes(), Map.of())), 401);
    }

    @Test
    void aVerifiedMessageThatIsNotAnSesEventIsMalformed() throws Exception {
        // AWS's published vector verifies, but "Hello world" is no SES event.
        SesWebhookReceiver atVectorTime = new SesWebhookReceiver(
                new SesProperties("us-east-1", null, null, null, null, SnsTestSigner.CACHE_DIR, null, true),
                mailroomProperties(),
                ProviderHttpClients.newRestClientBuilder(),
                Clock.fixed(Instant.parse("2022-07-28T21:24:30Z"), ZoneOffset.UTC),
                SnsEndpoints.AWS);

        assertStatus(
                () -> atVectorTime.receive(
                        new WebhookRequest(SnsSignatureTest.vector("php-signature-v2.json"), Map.of())),
                400);
        assertStatus(() -> notify("not an event"), 400);
    }

    private static void assertStatus(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status) {
        assertThatThrownBy(call)
                .isInstanceOf(WebhookRejectedException.class)
                .satisfies(
                        e -> assertThat(((WebhookRejectedException) e).status()).isEqualTo(status));
    }
}
