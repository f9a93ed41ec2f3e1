package dev.mailroom.server.webhooks;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.messaging.TrackingMessages;
import dev.mailroom.server.messaging.PublishFailedException;
import dev.mailroom.server.providers.WebhookReceiver;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /webhooks/{provider}}: read the raw body (bounded), let the provider's receiver
 * verify it and turn it into activities, publish them with broker confirms, and only then answer
 * 2xx. Any failure on our side answers 5xx, so the provider retries and nothing is lost.
 */
@RestController
@ConditionalOnRole(Role.WEBHOOKS)
class WebhookController {
    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

    private final Map<String, WebhookReceiver> receivers;
    private final ConfirmedPublisher publisher;
    private final int maxBodyBytes;
    private final MeterRegistry meters;

    WebhookController(List<WebhookReceiver> receivers, ConfirmedPublisher publisher, MailroomProperties properties, MeterRegistry meters) {
        this.meters = meters;
        this.receivers = receivers.stream().collect(Collectors.toUnmodifiableMap(WebhookReceiver::provider, Function.identity()));
        this.publisher = publisher;
        this.maxBodyBytes = properties.webhooks().maxBodyBytes();
    }

    @PostMapping("/webhooks/{provider}")
    ResponseEntity<?> receive(@PathVariable String provider, HttpServletRequest request) throws IOException {
        WebhookReceiver receiver = receivers.get(provider);
        if (receiver == null) {
            return problem(HttpStatus.NOT_FOUND, "no webhook receiver for provider '" + provider + "'; known: " + receivers.keySet());
        }
        byte[] body = readBounded(request.getInputStream());
        if (body == null) {
            return problem(HttpStatus.PAYLOAD_TOO_LARGE, "webhook bodies are limited to " + maxBodyBytes + " bytes");
        }
        List<ActivityReport> reports;
        try {
            reports = receiver.receive(new WebhookRequest(body, headersOf(request)));
        } catch (WebhookRejectedException e) {
            log.info("Rejected {} webhook ({}): {}", provider, e.status(), e.getMessage());
            meters.counter("mailroom.webhooks.rejected", "provider", provider, "status", Integer.toString(e.status())).increment();
            return problem(HttpStatus.valueOf(e.status()), e.getMessage());
        }
        try {
            if (!reports.isEmpty()) {
                publisher.publishAll(TrackingMessages.of(reports));
            }
        } catch (PublishFailedException e) {
            log.warn("Could not queue {} webhook events: {}", provider, e.getMessage());
            return problem(HttpStatus.SERVICE_UNAVAILABLE, "the events could not be queued; please retry");
        }
        meters.counter("mailroom.webhooks.events", "provider", provider).increment(reports.size());
        return ResponseEntity.ok(Map.of("received", reports.size()));
    }

    /** The body, or null when it is larger than allowed (read no further than the limit). */
    private byte[] readBounded(InputStream in) throws IOException {
        byte[] body = in.readNBytes(maxBodyBytes + 1);
        return body.length > maxBodyBytes ? null : body;
    }

    private static Map<String, List<String>> headersOf(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, Collections.list(request.getHeaders(name)));
        }
        return headers;
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
    }
}
