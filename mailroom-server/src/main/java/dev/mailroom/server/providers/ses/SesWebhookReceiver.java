package dev.mailroom.server.providers.ses;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.WebhookReceiver;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * {@code POST /webhooks/ses}: Amazon SNS HTTP(S) deliveries of SES events (configuration set
 * event destination → SNS topic → HTTPS subscription to this endpoint; raw message delivery must
 * stay off, or SNS drops the signed envelope).
 *
 * <p>Order of business: refuse everything (403) while {@code topic-arns} is unset (unless
 * {@code accept-any-topic=true}); read the envelope (the signature is inside it, so it must be
 * parsed first), check the topic against {@code topic-arns}, verify its SNS signature (and
 * freshness), and only then act on it: confirm a subscription, or turn a notification's SES
 * event into activities.
 *
 * <p>SNS has no secret to configure, so this receiver exists whenever SES is configured
 * ({@code region}), in processes that run the webhooks role.
 */
@Component
@ConditionalOnRole(Role.WEBHOOKS)
@ConditionalOnProperty(name = SesProvider.ENABLED_BY)
class SesWebhookReceiver implements WebhookReceiver {
    private static final Logger log = LoggerFactory.getLogger(SesWebhookReceiver.class);

    private final SesProperties properties;
    private final SnsSignatureVerifier verifier;
    private final SnsEndpoints endpoints;
    private final RestClient http;
    private final Clock clock;

    @Autowired
    SesWebhookReceiver(SesProperties properties, MailroomProperties mailroom, RestClient.Builder http, Clock clock) {
        this(properties, mailroom, http, clock, SnsEndpoints.AWS);
    }

    /** For tests, which point certificate and subscription URLs at local fakes. */
    SesWebhookReceiver(
            SesProperties properties,
            MailroomProperties mailroom,
            RestClient.Builder http,
            Clock clock,
            SnsEndpoints endpoints) {
        this.properties = properties;
        this.endpoints = endpoints;
        this.http = http.build();
        this.clock = clock;
        this.verifier = new SnsSignatureVerifier(
                new SnsCertificates(properties.certificateCachePath(), this.http, endpoints),
                mailroom.webhooks().tolerance());
        if (properties.topicArns().isEmpty() && properties.acceptAnyTopic()) {
            log.warn(
                    "mailroom.providers.ses.accept-any-topic=true: /webhooks/ses accepts (and confirms subscriptions of) any SNS topic, "
                            + "so anyone with an AWS account can post SNS-signed events to it. Set mailroom.providers.ses.topic-arns instead.");
        } else if (properties.topicArns().isEmpty()) {
            log.warn(
                    "mailroom.providers.ses.topic-arns is not set: /webhooks/ses refuses every SNS message (403) and confirms no "
                            + "subscription. Set it to the topic ARN(s) of your SES event destination.");
        } else if (properties.acceptAnyTopic()) {
            log.warn(
                    "mailroom.providers.ses.accept-any-topic is ignored: topic-arns is set, and only its topics are accepted");
        }
    }

    @Override
    public String provider() {
        return SesProvider.NAME;
    }

    @Override
    public List<ActivityReport> receive(WebhookRequest request) {
        if (properties.topicArns().isEmpty() && !properties.acceptAnyTopic()) {
            // Fails closed before reading anything: no certificate is fetched, no subscription confirmed.
            throw WebhookRejectedException.forbidden(
                    "/webhooks/ses takes no SNS message until mailroom.providers.ses.topic-arns names "
                            + "the SNS topic(s) of the SES event destination (or, for trials only, mailroom.providers.ses.accept-any-topic=true)");
        }
        // The signature sits inside the JSON envelope (SNS has no signature header), so the
        // envelope is parsed first; nothing in it is acted on before it is verified.
        SnsMessage message = SnsMessage.parse(request.body());
        // Before the signature (refusing early admits nothing): messages of other topics cost no
        // certificate fetch. TopicArn is part of what SNS signs, so a message that passes here and
        // then verifies really is of an accepted topic.
        requireAcceptedTopic(message);
        verifier.verify(message, clock.instant());
        switch (message.type()) {
            case SnsMessage.SUBSCRIPTION_CONFIRMATION:
                confirm(message);
                return List.of();
            case SnsMessage.UNSUBSCRIBE_CONFIRMATION:
                // Someone unsubscribed this endpoint; re-subscribing is an operator's decision.
                log.warn(
                        "SNS topic {} unsubscribed /webhooks/ses: no more SES events arrive from it",
                        LogSafe.escape(message.topicArn()));
                return List.of();
            default:
                return SesEvents.reports(message);
        }
    }

    private void requireAcceptedTopic(SnsMessage message) {
        if (!properties.topicArns().isEmpty() && !properties.topicArns().contains(message.topicArn())) {
            throw WebhookRejectedException.unauthenticated(
                    "SNS topic " + message.topicArn() + " is not in mailroom.providers.ses.topic-arns");
        }
    }

    /**
     * Confirms by fetching {@code SubscribeURL}, only on the SNS host that signed the message.
     * Answers 200 either way (a failed confirmation is logged): refusing would not help, SNS
     * sends the confirmation request again only when asked to.
     */
    private void confirm(SnsMessage message) {
        URI subscribeUrl;
        try {
            subscribeUrl = URI.create(message.subscribeUrl());
        } catch (IllegalArgumentException e) {
            log.warn(
                    "SNS subscription to topic {} not confirmed: SubscribeURL is not a URL",
                    LogSafe.escape(message.topicArn()));
            return;
        }
        if (!endpoints.trustsSubscribeUrl(subscribeUrl, URI.create(message.signingCertUrl()))) {
            log.warn(
                    "SNS subscription to topic {} not confirmed: SubscribeURL host {} is not the SNS host that signed the message",
                    LogSafe.escape(message.topicArn()),
                    LogSafe.escape(subscribeUrl.getHost()));
            return;
        }
        try {
            int status = http.get()
                    .uri(subscribeUrl)
                    .exchange((req, response) -> response.getStatusCode().value());
            if (status / 100 == 2) {
                log.info(
                        "Confirmed the SNS subscription of /webhooks/ses to topic {}",
                        LogSafe.escape(message.topicArn()));
            } else {
                log.warn(
                        "SNS subscription to topic {} not confirmed: SubscribeURL answered {}",
                        LogSafe.escape(message.topicArn()),
                        status);
            }
        } catch (RestClientException e) {
            log.warn(
                    "SNS subscription to topic {} not confirmed: {}",
                    LogSafe.escape(message.topicArn()),
                    LogSafe.escape(e.getMessage()));
        }
    }
}
