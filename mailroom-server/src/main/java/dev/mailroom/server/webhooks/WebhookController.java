package dev.mailroom.server.webhooks;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.messaging.PublishFailedException;
import dev.mailroom.server.messaging.TrackingMessages;
import dev.mailroom.server.providers.WebhookReceiver;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
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
 *
 * <p>Before any of that, in this order (each cheap, each refusing at once, never queueing):
 * a source address blocked after failed authentications → 429 ({@link FailedAuthThrottle});
 * the provider's calls per second and calls in progress → 429 ({@link ProviderLimits}); the
 * body → 413 beyond {@code max-body-bytes}, chunked or not, or 503 when all webhook calls
 * together already hold {@code max-in-flight-bytes} ({@link InFlightBytes}). After the receiver,
 * every report passes {@link ReportSanitizer}. Whatever is logged from a request goes through
 * {@link LogSafe}, so no caller can write a line of its own into the log.
 */
@RestController
@ConditionalOnRole(Role.WEBHOOKS)
class WebhookController {
    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);
    /** The provider tag of calls to a path no receiver has: one value, whatever the caller wrote. */
    static final String UNKNOWN_PROVIDER = "unknown";

    private final Map<String, WebhookReceiver> receivers;
    private final ConfirmedPublisher publisher;
    private final int maxBodyBytes;
    private final MeterRegistry meters;
    private final Clock clock;
    private final ProviderLimits limits;
    private final InFlightBytes inFlight;
    private final FailedAuthThrottle throttle;
    private final ReportSanitizer sanitizer;
    private final VerificationFailures verificationFailures;

    WebhookController(
            List<WebhookReceiver> receivers,
            ConfirmedPublisher publisher,
            MailroomProperties properties,
            MeterRegistry meters,
            Clock clock) {
        this.meters = meters;
        this.clock = clock;
        this.receivers = receivers.stream()
                .collect(Collectors.toUnmodifiableMap(WebhookReceiver::provider, Function.identity()));
        this.publisher = publisher;
        MailroomProperties.Webhooks webhooks = properties.webhooks();
        this.maxBodyBytes = webhooks.maxBodyBytes();
        this.limits = new ProviderLimits(
                this.receivers.keySet(), webhooks.maxConcurrentCalls(), webhooks.maxCallsPerSecond());
        this.inFlight = new InFlightBytes(webhooks.maxInFlightBytes());
        this.throttle = new FailedAuthThrottle(webhooks.authFailures(), clock);
        this.sanitizer = new ReportSanitizer(webhooks.maxEventAge(), webhooks.maxEventAhead());
        this.verificationFailures = new VerificationFailures(meters, this.receivers.keySet());
    }

    @PostMapping("/webhooks/{provider}")
    ResponseEntity<?> receive(@PathVariable String provider, HttpServletRequest request) throws IOException {
        Instant receivedAt = clock.instant();
        String source = request.getRemoteAddr();
        WebhookReceiver receiver = receivers.get(provider);
        String tag = receiver == null ? UNKNOWN_PROVIDER : provider;
        long blockedFor = throttle.blockedForSeconds(source);
        if (blockedFor > 0) {
            return refuse(
                    tag,
                    HttpStatus.TOO_MANY_REQUESTS,
                    "throttled",
                    blockedFor,
                    "too many failed webhook authentications from this address; retry after " + blockedFor + " s");
        }
        if (receiver == null) {
            return refuse(
                    tag,
                    HttpStatus.NOT_FOUND,
                    "unknown-provider",
                    0,
                    "no webhook receiver for provider '" + LogSafe.escape(provider) + "'; known: "
                            + receivers.keySet());
        }
        ProviderLimits.Limits limit = limits.of(provider);
        if (!limit.perSecond().acquirePermission()) {
            return refuse(
                    tag,
                    HttpStatus.TOO_MANY_REQUESTS,
                    "rate-limit",
                    ProviderLimits.RETRY_AFTER_SECONDS,
                    "more than " + limit.perSecond().getRateLimiterConfig().getLimitForPeriod() + " " + provider
                            + " webhook calls in one second (mailroom.webhooks.max-calls-per-second); please retry");
        }
        if (!limit.concurrent().tryAcquirePermission()) {
            return refuse(
                    tag,
                    HttpStatus.TOO_MANY_REQUESTS,
                    "concurrency",
                    ProviderLimits.RETRY_AFTER_SECONDS,
                    "more than " + limit.concurrent().getBulkheadConfig().getMaxConcurrentCalls() + " " + provider
                            + " webhook calls in progress (mailroom.webhooks.max-concurrent-calls); please retry");
        }
        try {
            InFlightBytes.Body body =
                    inFlight.read(request.getInputStream(), request.getContentLengthLong(), maxBodyBytes);
            try {
                return switch (body.outcome()) {
                    case TOO_LARGE ->
                        refuse(
                                tag,
                                HttpStatus.PAYLOAD_TOO_LARGE,
                                "too-large",
                                0,
                                "webhook bodies are limited to " + maxBodyBytes + " bytes");
                    case BUSY ->
                        refuse(
                                tag,
                                HttpStatus.SERVICE_UNAVAILABLE,
                                "memory",
                                ProviderLimits.RETRY_AFTER_SECONDS,
                                "the webhook sink holds as many bytes as it may (mailroom.webhooks.max-in-flight-bytes); please retry");
                    case READ -> process(provider, receiver, body.bytes(), request, source, receivedAt);
                };
            } finally {
                inFlight.release(body);
            }
        } finally {
            limit.concurrent().onComplete();
        }
    }

    private ResponseEntity<?> process(
            String provider,
            WebhookReceiver receiver,
            byte[] body,
            HttpServletRequest request,
            String source,
            Instant receivedAt) {
        List<ActivityReport> reports;
        try {
            reports = sanitizer.sanitize(receiver.receive(new WebhookRequest(body, headersOf(request))), receivedAt);
        } catch (WebhookRejectedException e) {
            if (e.status() == HttpStatus.UNAUTHORIZED.value()) {
                // Only failures count towards a source's block: valid calls never slow anyone down.
                throttle.recordFailure(source);
            }
            verificationFailures.count(provider, e);
            log.info(
                    "Rejected {} webhook from {} ({}): {}",
                    provider,
                    LogSafe.escape(source),
                    e.status(),
                    LogSafe.escape(e.getMessage()));
            return refuse(provider, HttpStatus.valueOf(e.status()), reason(e.status()), 0, e.getMessage());
        }
        try {
            if (!reports.isEmpty()) {
                publisher.publishAll(TrackingMessages.of(reports));
            }
        } catch (PublishFailedException e) {
            log.warn("Could not queue {} webhook events: {}", provider, LogSafe.escape(e.getMessage()));
            return problem(HttpStatus.SERVICE_UNAVAILABLE, "the events could not be queued; please retry", 0);
        }
        meters.counter("mailroom.webhooks.events", "provider", provider).increment(reports.size());
        return ResponseEntity.ok(Map.of("received", reports.size()));
    }

    private static String reason(int status) {
        return switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 400 -> "malformed";
            default -> "other";
        };
    }

    /** A refusal: counted by provider, status and reason (each a small fixed set), answered as problem+json. */
    private ResponseEntity<ProblemDetail> refuse(
            String provider, HttpStatus status, String reason, long retryAfterSeconds, String detail) {
        meters.counter(
                        "mailroom.webhooks.rejected",
                        "provider",
                        provider,
                        "status",
                        Integer.toString(status.value()),
                        "reason",
                        reason)
                .increment();
        return problem(status, detail, retryAfterSeconds);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail, long retryAfterSeconds) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (retryAfterSeconds > 0) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        return response.body(ProblemDetail.forStatusAndDetail(status, detail));
    }

    private static Map<String, List<String>> headersOf(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, Collections.list(request.getHeaders(name)));
        }
        return headers;
    }
}
