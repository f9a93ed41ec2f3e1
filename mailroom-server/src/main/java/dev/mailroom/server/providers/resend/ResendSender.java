package dev.mailroom.server.providers.resend;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.OutboundEmail;
import dev.mailroom.server.providers.support.HttpOutcomes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Sends through Resend's {@code POST /emails}. Every attempt of a message carries the same
 * {@code Idempotency-Key} and the same body, so a retry after a timeout or a 5xx (when Resend may
 * have sent the email after all) answers with the original email's id instead of sending twice,
 * for as long as Resend keeps the key (24 hours).
 */
@Component
@ConditionalOnRole(Role.DISPATCHER)
@ConditionalOnProperty(name = ResendProvider.ENABLED_BY)
class ResendSender implements EmailSender {
    private static final Logger log = LoggerFactory.getLogger(ResendSender.class);
    /** Resend's 409 for a key whose first request is still being processed: not a refusal. */
    private static final String CONCURRENT_IDEMPOTENT_REQUESTS = "concurrent_idempotent_requests";

    private static final int MAX_RAW_REASON = 200;

    private final RestClient http;
    private final String emailsUrl;
    private final String authorization;
    private final Clock clock;

    ResendSender(ResendProperties properties, RestClient.Builder providerRestClient, Clock clock) {
        if (properties.apiKey() == null || properties.apiKey().isBlank()) {
            throw new IllegalArgumentException("mailroom.providers.resend.api-key is required for the resend provider");
        }
        // The builder bean is shared by every provider: clone it rather than change it.
        this.http = providerRestClient.clone().build();
        this.emailsUrl = properties.apiBase() + "/emails";
        this.authorization = "Bearer " + properties.apiKey().trim();
        this.clock = clock;
    }

    @Override
    public String name() {
        return ResendProvider.NAME;
    }

    @Override
    public DeliveryOutcome send(OutboundEmail outbound) {
        byte[] body = ResendPayload.body(outbound);
        try {
            DeliveryOutcome outcome = http.post()
                    .uri(emailsUrl)
                    .header(HttpHeaders.AUTHORIZATION, authorization)
                    .header("Idempotency-Key", ResendPayload.idempotencyKey(outbound))
                    .contentType(MediaType.APPLICATION_JSON)
                    .accept(MediaType.APPLICATION_JSON)
                    .body(body)
                    .exchange((request, response) -> outcome(
                            response.getStatusCode(),
                            response.getHeaders(),
                            response.getBody().readAllBytes()));
            if (outcome instanceof DeliveryOutcome.Rejected rejected) {
                log.info("Resend refused message {}: {}", outbound.messageId(), rejected.reason());
            }
            return outcome;
        } catch (RestClientException e) {
            // No answer (refused, reset, timed out): Resend may or may not have the email, and the
            // idempotency key makes the retry safe either way.
            return HttpOutcomes.unreachable(ResendProvider.NAME, e);
        }
    }

    private DeliveryOutcome outcome(HttpStatusCode status, HttpHeaders headers, byte[] body) throws IOException {
        Instant now = clock.instant();
        JsonNode json = readJson(body);
        if (status.is2xxSuccessful()) {
            String id = json == null ? null : text(json, "id");
            if (id == null || id.isBlank()) {
                // Taken or not, we cannot match its events without the id; asking again with the
                // same idempotency key returns the original answer rather than a second email.
                return new DeliveryOutcome.RetryLater(
                        "resend answered " + status.value() + " without an email id", null);
            }
            return new DeliveryOutcome.Accepted(id.trim());
        }
        String name = json == null ? null : text(json, "name");
        String reason = reason(json, body);
        // Retry-After when Resend sends it; ratelimit-reset (seconds until the window resets) says
        // the same for rate limits, in the same delta-seconds form.
        String retryAfter = headers.getFirst(HttpHeaders.RETRY_AFTER);
        if (retryAfter == null) {
            retryAfter = headers.getFirst("ratelimit-reset");
        }
        if (status.value() == 409 && CONCURRENT_IDEMPOTENT_REQUESTS.equals(name)) {
            // The first attempt is still in flight at Resend: its answer will be ours once it ends.
            return new DeliveryOutcome.RetryLater(
                    "resend answered 409: " + reason, HttpOutcomes.retryAfter(retryAfter, now));
        }
        return HttpOutcomes.failure(ResendProvider.NAME, status.value(), retryAfter, reason, now);
    }

    /** {@code name: message} from Resend's error body, else the start of whatever it sent. */
    private static String reason(JsonNode json, byte[] body) {
        if (json != null) {
            String name = text(json, "name");
            String message = text(json, "message");
            if (name != null || message != null) {
                return name == null ? message : message == null ? name : name + ": " + message;
            }
        }
        String raw = new String(body, StandardCharsets.UTF_8).strip();
        return raw.length() <= MAX_RAW_REASON ? raw : raw.substring(0, MAX_RAW_REASON) + "…";
    }

    private static JsonNode readJson(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = ContractJson.mapper().readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException notJson) {
            // A proxy's HTML error page, say: the status alone decides, the text becomes the reason.
            return null;
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value != null && value.isValueNode() && !value.isNull() ? value.asString() : null;
    }
}
