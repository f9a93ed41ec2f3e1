package dev.mailroom.server.providers.sendgrid;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.OutboundEmail;
import dev.mailroom.server.providers.support.HttpOutcomes;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Sends through SendGrid's v3 Mail Send API: {@code POST {base-url}/v3/mail/send}. SendGrid answers
 * 202 with the message's id in {@code X-Message-Id}; our id travels as {@code custom_args.mailroom_id}
 * and comes back in every event. 429 and 5xx are retried (never before {@code Retry-After} or, for
 * SendGrid's rate limits, {@code X-RateLimit-Reset}); any other 4xx refuses the email with
 * SendGrid's own error messages as the reason.
 *
 * <p>SendGrid has no idempotency key: a send whose answer was lost (a timeout) is retried, and
 * may then arrive twice. That is the "bounded duplicates" of the design, not avoidable here.
 */
@Component
@ConditionalOnRole(Role.DISPATCHER)
@ConditionalOnProperty(name = SendGridProvider.ENABLED_BY)
class SendGridSender implements EmailSender {
    static final String SEND_PATH = "/v3/mail/send";
    static final String MESSAGE_ID_HEADER = "X-Message-Id";
    static final String RATE_LIMIT_RESET_HEADER = "X-RateLimit-Reset";
    private static final Logger log = LoggerFactory.getLogger(SendGridSender.class);
    /** Error bodies are short JSON; a proxy's HTML page need not be read whole. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final RestClient http;
    private final URI sendUri;
    private final String authorization;
    private final Clock clock;

    SendGridSender(SendGridProperties properties, RestClient.Builder providerRestClient, Clock clock) {
        if (properties.apiKey() == null || properties.apiKey().isBlank()) {
            throw new IllegalArgumentException(
                    "mailroom.providers.sendgrid.api-key is required for the sendgrid provider");
        }
        // The shared builder is one bean: clone it rather than change it for the other providers.
        this.http = providerRestClient.clone().build();
        this.sendUri = URI.create(properties.baseUrl() + SEND_PATH);
        this.authorization = "Bearer " + properties.apiKey().trim();
        this.clock = clock;
    }

    @Override
    public String name() {
        return SendGridProvider.NAME;
    }

    @Override
    public DeliveryOutcome send(OutboundEmail outbound) {
        byte[] body;
        try {
            body = ContractJson.write(SendGridMail.of(outbound));
        } catch (IllegalArgumentException e) {
            return rejected(outbound, e.getMessage());
        }
        DeliveryOutcome outcome;
        try {
            outcome = http.post()
                    .uri(sendUri)
                    .header(HttpHeaders.AUTHORIZATION, authorization)
                    .contentType(MediaType.APPLICATION_JSON)
                    .accept(MediaType.APPLICATION_JSON)
                    .body(body)
                    .exchange((request, response) -> {
                        int status = response.getStatusCode().value();
                        HttpHeaders headers = response.getHeaders();
                        if (status / 100 == 2) {
                            return accepted(outbound, headers.getFirst(MESSAGE_ID_HEADER));
                        }
                        byte[] error = response.getBody().readNBytes(MAX_ERROR_BODY);
                        return failure(status, headers, error, clock.instant());
                    });
        } catch (ResourceAccessException e) {
            // No answer (refused, reset, timed out): SendGrid may not have seen it; retry.
            outcome = HttpOutcomes.unreachable(name(), e);
        }
        if (!(outcome instanceof DeliveryOutcome.Accepted)) {
            log.warn(
                    "SendGrid send of message {} (attempt {}) not accepted: {}",
                    outbound.messageId(),
                    outbound.attempt(),
                    outcome);
        }
        return outcome;
    }

    private DeliveryOutcome accepted(OutboundEmail outbound, String messageIdHeader) {
        String id = SendGridMessageIds.normalise(messageIdHeader);
        if (id == null) {
            // Still sent; its events are matched by mailroom_id alone.
            log.warn("SendGrid accepted message {} without an {} header", outbound.messageId(), MESSAGE_ID_HEADER);
        }
        return new DeliveryOutcome.Accepted(id);
    }

    /** The outcome of a non-2xx answer, with SendGrid's error messages as the reason. */
    static DeliveryOutcome failure(int status, HttpHeaders headers, byte[] body, Instant now) {
        DeliveryOutcome outcome = HttpOutcomes.failure(
                SendGridProvider.NAME, status, headers.getFirst(HttpHeaders.RETRY_AFTER), reason(body), now);
        if (outcome instanceof DeliveryOutcome.RetryLater later && later.notBefore() == null) {
            Instant reset = rateLimitReset(headers.getFirst(RATE_LIMIT_RESET_HEADER), now);
            if (reset != null) {
                return later.withNotBefore(reset);
            }
        }
        return outcome;
    }

    /**
     * SendGrid's rate-limit reset: unix seconds. A small number is taken as seconds from now,
     * which is what a proxy in front of SendGrid might send instead.
     */
    static Instant rateLimitReset(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            long value = Long.parseLong(header.trim());
            if (value < 0) {
                return null;
            }
            Instant at = value < 1_000_000_000L ? now.plusSeconds(value) : Instant.ofEpochSecond(value);
            return at.isBefore(now) ? null : at;
        } catch (NumberFormatException | DateTimeException e) {
            // DateTimeException: a reset beyond Instant.MAX; unreadable, like any other bad value.
            return null;
        }
    }

    /**
     * {@code {"errors":[{"field":"from.email","message":"..."}]}} as
     * {@code "from.email: ...; ..."}; a body in another shape is given as it is.
     */
    static String reason(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode errors = ContractJson.mapper().readTree(body).get("errors");
            if (errors != null && errors.isArray() && !errors.isEmpty()) {
                List<String> parts = new ArrayList<>();
                for (JsonNode error : errors) {
                    String message = text(error, "message");
                    String field = text(error, "field");
                    if (message != null) {
                        parts.add(field == null ? message : field + ": " + message);
                    }
                }
                if (!parts.isEmpty()) {
                    return String.join("; ", parts);
                }
            }
        } catch (JacksonException | IllegalArgumentException notJson) {
            // Fall through: the raw text is the best reason there is.
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null
                        || value.isNull()
                        || !value.isValueNode()
                        || value.asString().isBlank()
                ? null
                : value.asString();
    }

    private DeliveryOutcome rejected(OutboundEmail outbound, String reason) {
        log.warn(
                "SendGrid send of message {} (attempt {}) rejected before sending: {}",
                outbound.messageId(),
                outbound.attempt(),
                reason);
        return new DeliveryOutcome.Rejected(reason);
    }
}
