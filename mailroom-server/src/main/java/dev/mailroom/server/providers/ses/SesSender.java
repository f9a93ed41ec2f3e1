package dev.mailroom.server.providers.ses;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.OutboundEmail;
import dev.mailroom.server.providers.support.ProviderHttpClients;
import jakarta.mail.MessagingException;
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.SesV2ClientBuilder;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;

/**
 * Sends through Amazon SES with the AWS SDK's SESv2 client ({@code SendEmail}, SigV4-signed by
 * the SDK). The SDK's own retries are off: the operator owns retries (back-off, attempt limit,
 * the DEFERRED trail), and hidden SDK retries would multiply them and hold a dispatcher thread.
 *
 * <p>SES has no idempotency key for {@code SendEmail}: a send whose answer is lost can be
 * duplicated by our retry, as the design's invariant 3 allows for in-flight crashes.
 */
@Component
@ConditionalOnRole(Role.DISPATCHER)
@ConditionalOnProperty(name = SesProvider.ENABLED_BY)
class SesSender implements EmailSender, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SesSender.class);
    /** Above the HTTP timeouts, so that one slow call ends in a timeout the SDK reports as such. */
    private static final Duration API_CALL_TIMEOUT =
            ProviderHttpClients.CONNECT_TIMEOUT.plus(ProviderHttpClients.READ_TIMEOUT);

    private final SesProperties properties;
    private final Clock clock;
    /** Thread-safe and meant to be shared: it holds the HTTP connections and the signer. */
    private final SesV2Client client;

    SesSender(SesProperties properties, Clock clock) {
        if (properties.region() == null) {
            throw new IllegalArgumentException("mailroom.providers.ses.region is required for the ses provider");
        }
        this.properties = properties;
        this.clock = clock;
        this.client = client(properties);
    }

    private static SesV2Client client(SesProperties p) {
        SesV2ClientBuilder builder = SesV2Client.builder()
                .region(Region.of(p.region()))
                .credentialsProvider(credentials(p))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(ProviderHttpClients.CONNECT_TIMEOUT)
                        .socketTimeout(ProviderHttpClients.READ_TIMEOUT))
                .overrideConfiguration(
                        o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(API_CALL_TIMEOUT));
        if (p.endpointUri() != null) {
            builder.endpointOverride(p.endpointUri());
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(SesProperties p) {
        if (p.hasStaticCredentials()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(p.accessKeyId(), p.secretAccessKey()));
        }
        // Environment, system properties, profile, container or instance role: the AWS way.
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public String name() {
        return SesProvider.NAME;
    }

    @Override
    public DeliveryOutcome send(OutboundEmail outbound) {
        SendEmailRequest request;
        try {
            request = SesRequests.sendEmail(outbound, properties.configurationSet(), clock.instant());
        } catch (MessagingException | UnsupportedEncodingException | IllegalArgumentException e) {
            // No SES will ever take an email that cannot be written (an unparsable address or
            // content type), so trying again would not help.
            return rejected(
                    outbound,
                    "cannot build the email: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
        }
        try {
            SendEmailResponse response = client.sendEmail(request);
            return new DeliveryOutcome.Accepted(response.messageId());
        } catch (AwsServiceException e) {
            DeliveryOutcome outcome = SesFailures.outcome(e, clock.instant());
            log.warn(
                    "SES send of message {} (attempt {}) not accepted: {}",
                    outbound.messageId(),
                    outbound.attempt(),
                    outcome);
            return outcome;
        } catch (SdkClientException e) {
            DeliveryOutcome outcome = SesFailures.unreachable(e);
            log.warn(
                    "SES send of message {} (attempt {}) got no answer: {}",
                    outbound.messageId(),
                    outbound.attempt(),
                    outcome);
            return outcome;
        }
    }

    private DeliveryOutcome rejected(OutboundEmail outbound, String reason) {
        log.warn(
                "SES send of message {} (attempt {}) rejected before sending: {}",
                outbound.messageId(),
                outbound.attempt(),
                reason);
        return new DeliveryOutcome.Rejected(reason);
    }

    @Override
    public void close() {
        client.close();
    }
}
