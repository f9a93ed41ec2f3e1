package dev.mailroom.server.dispatcher;

import dev.mailroom.server.providers.DeliveryOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code mailroom_dispatch_provider_calls_seconds{provider,outcome}}: how long each call to a provider took and what
 * it answered, as a histogram. Only calls that reached a sender count (not those our own rate limit deferred, nor
 * emails refused before a provider). The outcomes:
 * <ul>
 *   <li>{@code accepted}: the provider took the email (for every recipient);</li>
 *   <li>{@code partial}: an SMTP relay took it for some recipients and refused others;</li>
 *   <li>{@code refused}: the provider refused it for good (4xx other than 408/429, SMTP 5xx);</li>
 *   <li>{@code rate-limited}: the provider said we send too fast (429, SES throttling);</li>
 *   <li>{@code timeout}: no answer in time (the sender's reason says it timed out);</li>
 *   <li>{@code unavailable}: try later for any other reason (408, 5xx, connection refused or reset);</li>
 *   <li>{@code error}: the sender threw (a bug; the email is retried).</li>
 * </ul>
 * The timers are built up front for every provider configured on this dispatcher: nothing is allocated per send.
 */
final class ProviderCalls {
    static final List<String> OUTCOMES =
            List.of("accepted", "partial", "refused", "rate-limited", "timeout", "unavailable", "error");

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30)
    };

    private final Map<String, Map<String, Timer>> timers = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    ProviderCalls(MeterRegistry meters, Collection<String> providers) {
        this.meters = meters;
        providers.forEach(provider -> timers.put(provider, build(provider)));
    }

    private Map<String, Timer> build(String provider) {
        Map<String, Timer> byOutcome = new HashMap<>();
        for (String outcome : OUTCOMES) {
            byOutcome.put(
                    outcome,
                    Timer.builder("mailroom.dispatch.provider.calls")
                            .description("Calls to a provider: how long each took and what it answered")
                            .tag("provider", provider)
                            .tag("outcome", outcome)
                            .serviceLevelObjectives(BUCKETS)
                            .register(meters));
        }
        return Map.copyOf(byOutcome);
    }

    void record(String provider, String outcome, long nanos) {
        Map<String, Timer> byOutcome = timers.get(provider);
        if (byOutcome == null) {
            // Only configured senders are called, and theirs are built up front: kept safe all the same.
            byOutcome = timers.computeIfAbsent(provider, this::build);
        }
        byOutcome.get(outcome).record(nanos, TimeUnit.NANOSECONDS);
    }

    static String outcomeOf(DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Accepted) {
            return "accepted";
        }
        if (outcome instanceof DeliveryOutcome.PerRecipient p) {
            return p.recipients().stream().allMatch(r -> r.verdict() == DeliveryOutcome.RecipientVerdict.ACCEPTED)
                    ? "accepted"
                    : "partial";
        }
        if (outcome instanceof DeliveryOutcome.RetryLater later) {
            return later.rateLimited() ? "rate-limited" : timedOut(later.reason()) ? "timeout" : "unavailable";
        }
        return "refused";
    }

    /** The senders say so in their reason (the JDK's, the AWS SDK's and Jakarta Mail's exceptions name it). */
    private static boolean timedOut(String reason) {
        if (reason == null) {
            return false;
        }
        String text = reason.toLowerCase(Locale.ROOT);
        return text.contains("timed out") || text.contains("timeout");
    }
}
