package dev.mailroom.server.webhooks;

import dev.mailroom.server.providers.WebhookRejectedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code mailroom_webhooks_verification_failures_total{provider,reason}}: webhook calls a provider's receiver refused,
 * by why, so that on-call can tell a rotated key ({@code signature}) from a skewed clock ({@code timestamp}) or a
 * misconfigured endpoint ({@code unconfigured}, {@code topic}). The reasons (a fixed set; the receivers word their
 * refusals, and this reads the words):
 * <ul>
 *   <li>{@code missing}: a signature header, signature field or credentials missing;</li>
 *   <li>{@code timestamp}: a signed timestamp too old, ahead, or unreadable;</li>
 *   <li>{@code replay}: a signature used before with another body;</li>
 *   <li>{@code signature}: a signature that does not match (wrong or rotated key), or is unreadable;</li>
 *   <li>{@code credentials}: HTTP Basic credentials that do not match (Postmark);</li>
 *   <li>{@code certificate}: an SNS signing certificate refused (host, issuer, validity);</li>
 *   <li>{@code topic}: an SNS topic not in {@code mailroom.providers.ses.topic-arns};</li>
 *   <li>{@code unconfigured}: the verification key is not set here;</li>
 *   <li>{@code malformed}: the body is not what the provider sends (400);</li>
 *   <li>{@code forbidden}: refused by configuration (403: SES without topics);</li>
 *   <li>{@code other}: anything else.</li>
 * </ul>
 * The counters are built up front for every provider with a receiver.
 */
final class VerificationFailures {
    static final List<String> REASONS = List.of(
            "missing",
            "timestamp",
            "replay",
            "signature",
            "credentials",
            "certificate",
            "topic",
            "unconfigured",
            "malformed",
            "forbidden",
            "other");

    private final Map<String, Map<String, Counter>> counters = new HashMap<>();

    VerificationFailures(MeterRegistry meters, Collection<String> providers) {
        for (String provider : providers) {
            Map<String, Counter> byReason = new HashMap<>();
            for (String reason : REASONS) {
                byReason.put(
                        reason,
                        Counter.builder("mailroom.webhooks.verification.failures")
                                .description("Webhook calls a provider's receiver refused (authenticity, freshness,"
                                        + " form), by why")
                                .tag("provider", provider)
                                .tag("reason", reason)
                                .register(meters));
            }
            counters.put(provider, Map.copyOf(byReason));
        }
    }

    /** Counts a refusal by a known provider's receiver. */
    void count(String provider, WebhookRejectedException e) {
        Map<String, Counter> byReason = counters.get(provider);
        if (byReason != null) {
            byReason.get(reasonOf(e.status(), e.getMessage())).increment();
        }
    }

    /** The reason of a receiver's refusal, from its status and its words. */
    static String reasonOf(int status, String message) {
        if (status == 400) {
            return "malformed";
        }
        if (status == 403) {
            return "forbidden";
        }
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (text.contains("replay")) {
            return "replay";
        }
        if (text.contains("is blank") || text.contains("not configured") || text.contains("is not set")) {
            return "unconfigured";
        }
        if (text.startsWith("missing") || text.contains("not signed")) {
            return "missing";
        }
        if (text.startsWith("unreadable signature")) {
            return "signature";
        }
        if (text.contains("certificate") || text.contains("signingcerturl")) {
            return "certificate";
        }
        if (text.contains("topic")) {
            return "topic";
        }
        if (text.contains("timestamp")
                || text.contains("too old")
                || text.contains("too new")
                || text.contains("in the future")
                || text.contains("from now")) {
            return "timestamp";
        }
        if (text.contains("signature") || text.contains("does not match")) {
            return "signature";
        }
        if (text.contains("credentials") || text.contains("authorization") || text.contains("basic")) {
            return "credentials";
        }
        return "other";
    }
}
