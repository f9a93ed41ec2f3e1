package dev.mailroom.server.providers.postmark;

import static dev.mailroom.server.providers.support.ProviderText.abbreviate;
import static dev.mailroom.server.providers.support.ProviderText.mailbox;
import static dev.mailroom.server.providers.support.ProviderText.readOrNull;
import static dev.mailroom.server.providers.support.ProviderText.text;

import dev.mailroom.contracts.Attachment;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.OutboundEmail;
import dev.mailroom.server.providers.support.HttpOutcomes;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends through Postmark's Email API: {@code POST {base-url}/email} with the server token, one
 * JSON message per email.
 *
 * <p>Postmark takes a single {@code Tag} per message, so only the email's first tag is sent (the
 * others stay in our own records). Our id travels in {@code Metadata.mailroom_id}, next to the
 * email's own metadata, and comes back in every webhook. Postmark has no idempotency key for
 * sends, so a send whose answer was lost (a timeout after Postmark took it) is sent again on retry.
 */
@Component
@ConditionalOnRole(Role.DISPATCHER)
@ConditionalOnProperty(name = PostmarkProvider.ENABLED_BY)
class PostmarkSender implements EmailSender {
    static final String TOKEN_HEADER = "X-Postmark-Server-Token";
    static final String MAILROOM_ID = "mailroom_id";
    private static final Logger log = LoggerFactory.getLogger(PostmarkSender.class);
    /**
     * Postmark answers some refusals that are not about the email with HTTP 422 and an
     * ErrorCode: 429 "Rate limit exceeded" and 100 "Maintenance". Retried, not rejected.
     */
    private static final Set<Integer> TRANSIENT_ERROR_CODES = Set.of(429, 100);
    /** ErrorCode 406: "You tried to send to recipient(s) that have been marked as inactive." */
    static final int INACTIVE_RECIPIENT = 406;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PostmarkProperties properties;
    private final RestClient http;
    private final Clock clock;
    private final URI endpoint;

    PostmarkSender(PostmarkProperties properties, RestClient.Builder http, Clock clock) {
        if (properties.serverToken() == null || properties.serverToken().isBlank()) {
            throw new IllegalArgumentException(
                    "mailroom.providers.postmark.server-token is required for the postmark provider");
        }
        this.properties = properties;
        this.http = http.build();
        this.clock = clock;
        this.endpoint = URI.create(properties.baseUrl() + "/email");
    }

    @Override
    public String name() {
        return PostmarkProvider.NAME;
    }

    @Override
    public DeliveryOutcome send(OutboundEmail outbound) {
        byte[] body = JSON.writeValueAsBytes(request(outbound, properties.messageStream()));
        DeliveryOutcome outcome;
        try {
            outcome = http.post()
                    .uri(endpoint)
                    .header(TOKEN_HEADER, properties.serverToken())
                    .accept(MediaType.APPLICATION_JSON)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(body)
                    .exchange(
                            (request, response) -> outcome(
                                    response.getStatusCode().value(),
                                    response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER),
                                    response.getBody().readAllBytes()),
                            true);
        } catch (ResourceAccessException e) {
            outcome = unreachable(e);
        }
        if (outcome instanceof DeliveryOutcome.Rejected rejected) {
            log.warn(
                    "Postmark refused message {} (attempt {}): {}",
                    outbound.messageId(),
                    outbound.attempt(),
                    rejected.reason());
        } else if (outcome instanceof DeliveryOutcome.RetryLater later) {
            log.info(
                    "Postmark deferred message {} (attempt {}): {}",
                    outbound.messageId(),
                    outbound.attempt(),
                    later.reason());
        }
        return outcome;
    }

    /** The Email API's JSON body; fields the email does not have are left out. */
    static ObjectNode request(OutboundEmail outbound, String messageStream) {
        Email email = outbound.email();
        ObjectNode root = JSON.createObjectNode();
        root.put("From", mailbox(email.from()));
        putAddresses(root, "To", email.to());
        putAddresses(root, "Cc", email.cc());
        putAddresses(root, "Bcc", email.bcc());
        root.put("Subject", email.subject());
        if (email.text() != null) {
            root.put("TextBody", email.text());
        }
        if (email.html() != null) {
            root.put("HtmlBody", email.html());
        }
        if (email.replyTo() != null) {
            root.put("ReplyTo", mailbox(email.replyTo()));
        }
        if (!outbound.headers().isEmpty()) {
            ArrayNode headers = root.putArray("Headers");
            // Sorted so that the same email always makes the same request.
            new TreeMap<>(outbound.headers())
                    .forEach((name, value) ->
                            headers.addObject().put("Name", name).put("Value", value));
        }
        if (!email.tags().isEmpty()) {
            root.put("Tag", email.tags().get(0));
        }
        ObjectNode metadata = root.putObject("Metadata");
        new TreeMap<>(email.metadata()).forEach(metadata::put);
        // Last, so that an application's own "mailroom_id" key cannot replace ours.
        metadata.put(MAILROOM_ID, outbound.messageId().toString());
        if (!email.attachments().isEmpty()) {
            ArrayNode attachments = root.putArray("Attachments");
            for (Attachment a : email.attachments()) {
                attachments
                        .addObject()
                        .put("Name", a.filename())
                        // EmailRules allows MIME-style line breaks in the base64; Postmark wants it plain.
                        .put("Content", a.content().replaceAll("[\\r\\n ]", ""))
                        .put(
                                "ContentType",
                                a.contentType() == null || a.contentType().isBlank()
                                        ? "application/octet-stream"
                                        : a.contentType());
            }
        }
        root.put("MessageStream", messageStream);
        return root;
    }

    private DeliveryOutcome outcome(int status, String retryAfter, byte[] body) {
        JsonNode json = readOrNull(body);
        if (status / 100 == 2) {
            String messageId = json == null ? null : text(json.get("MessageID"));
            if (messageId == null) {
                // Postmark took the email; sending it again would duplicate it. Its events still
                // match through Metadata.mailroom_id.
                log.warn("Postmark accepted an email but its answer had no MessageID: {}", abbreviate(body));
            }
            return new DeliveryOutcome.Accepted(messageId);
        }
        Integer errorCode = json != null && json.path("ErrorCode").isIntegralNumber()
                ? json.get("ErrorCode").asInt()
                : null;
        String message = json == null ? abbreviate(body) : text(json.get("Message"));
        String reason =
                errorCode == null ? message : "ErrorCode " + errorCode + (message == null ? "" : ": " + message);
        DeliveryOutcome outcome =
                HttpOutcomes.failure(PostmarkProvider.NAME, status, retryAfter, reason, clock.instant());
        if (outcome instanceof DeliveryOutcome.Rejected rejected
                && errorCode != null
                && TRANSIENT_ERROR_CODES.contains(errorCode)) {
            return new DeliveryOutcome.RetryLater(
                    rejected.reason(), HttpOutcomes.retryAfter(retryAfter, clock.instant()));
        }
        if (outcome instanceof DeliveryOutcome.Rejected rejected
                && errorCode != null
                && errorCode == INACTIVE_RECIPIENT) {
            // Postmark's own suppression (it deactivated the address after a hard bounce, complaint or by hand):
            // the reason is not said, so it is the provider's.
            return new DeliveryOutcome.Rejected(rejected.reason(), "provider");
        }
        return outcome;
    }

    /** No answer: the reason names the root cause (the JDK's ConnectException has no message). */
    private DeliveryOutcome unreachable(ResourceAccessException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return HttpOutcomes.unreachable(
                PostmarkProvider.NAME, new IOException("POST " + endpoint + " got no answer: " + root));
    }

    private static void putAddresses(ObjectNode root, String field, List<Recipient> recipients) {
        if (!recipients.isEmpty()) {
            root.put(
                    field,
                    recipients.stream().map(r -> mailbox(r.email(), r.name())).collect(Collectors.joining(", ")));
        }
    }
}
