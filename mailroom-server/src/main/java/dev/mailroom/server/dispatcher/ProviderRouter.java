package dev.mailroom.server.dispatcher;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.OutboundEmail;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Decides which provider sends a message, and sends it there:
 * <ul>
 *   <li>a message that names a provider goes to that provider, and only there;</li>
 *   <li>any other goes to the current default provider, unless its circuit breaker is open, in
 *       which case the next provider of the current failover order ({@link FailoverOrder}: the
 *       run-time setting, else {@code mailroom.providers.failover}) whose breaker is closed takes
 *       over; a provider of that order not configured on this dispatcher is skipped;</li>
 *   <li>a provider's rate limit (installation-wide, {@link ProviderQuotas}) makes a send wait briefly
 *       for its turn, else defers it;</li>
 *   <li>a provider that answered 429 to any dispatcher is held off by all of them until its
 *       Retry-After: a message that names no provider goes to the next failover provider meanwhile,
 *       else it waits briefly or is deferred to the end of the back-off.</li>
 * </ul>
 */
@Component
@ConditionalOnRole(Role.DISPATCHER)
class ProviderRouter {
    /** The outcome and the provider that produced it (which may be a failover provider). */
    record Routed(String provider, DeliveryOutcome outcome) {}

    private final Map<String, EmailSender> senders;
    private final DefaultProvider defaultProvider;
    private final FailoverOrder failover;
    private final ProviderGuards guards;
    private final ProviderCalls calls;
    private final Clock clock;

    ProviderRouter(
            List<EmailSender> senders,
            DefaultProvider defaultProvider,
            FailoverOrder failover,
            MailroomProperties properties,
            Clock clock,
            ProviderQuotas quotas,
            MeterRegistry meters) {
        this.senders = senders.stream().collect(Collectors.toUnmodifiableMap(EmailSender::name, Function.identity()));
        this.defaultProvider = defaultProvider;
        this.failover = failover;
        this.guards = new ProviderGuards(properties.dispatcher(), quotas, meters);
        this.calls = new ProviderCalls(meters, this.senders.keySet());
        // Every configured provider's breaker and quota meters exist from the start (state CLOSED, nothing waited),
        // so dashboards and alerts see them before the first send.
        this.senders.keySet().forEach(guards::breaker);
        quotas.registerMeters(this.senders.keySet());
        this.clock = clock;
        // The configured order is checked at start; a run-time order was checked by the API against
        // the enabled providers, and one this dispatcher has not got is skipped when sending.
        List<String> unknown = new ArrayList<>(properties.providers().failover());
        unknown.removeAll(this.senders.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("mailroom.providers.failover names providers not configured here: "
                    + unknown + "; configured: " + this.senders.keySet());
        }
    }

    Routed send(String requested, OutboundEmail email) {
        boolean pinned = requested != null && !requested.isBlank();
        String first = pinned ? requested : defaultProvider.name();
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(first);
        if (!pinned) {
            candidates.addAll(failover.providers());
        }
        String openOne = null;
        String heldOff = null;
        Instant heldOffUntil = null;
        for (String name : candidates) {
            EmailSender sender = senders.get(name);
            if (sender == null) {
                if (name.equals(first) && pinned) {
                    return new Routed(
                            name,
                            new DeliveryOutcome.Rejected("provider '" + name + "' is not configured on this dispatcher;"
                                    + " configured: " + senders.keySet()));
                }
                continue;
            }
            Instant backoffEnd = guards.quotas().backedOffBeyondWait(name);
            if (backoffEnd != null) {
                if (heldOff == null) {
                    heldOff = name;
                    heldOffUntil = backoffEnd;
                }
                continue;
            }
            CircuitBreaker breaker = guards.breaker(name);
            if (!breaker.tryAcquirePermission()) {
                openOne = openOne == null ? name : openOne;
                continue;
            }
            return new Routed(name, sendGuarded(sender, breaker, email));
        }
        if (heldOff != null) {
            return new Routed(heldOff, guards.quotas().deferredByBackoff(heldOff, heldOffUntil));
        }
        if (openOne != null) {
            // Try again once the breaker lets a trial send through.
            return new Routed(
                    openOne,
                    new DeliveryOutcome.RetryLater(
                            "provider '" + openOne + "' is failing (circuit open)"
                                    + (pinned ? "" : " and no failover provider is available"),
                            clock.instant().plus(guards.openFor())));
        }
        return new Routed(
                first,
                new DeliveryOutcome.RetryLater(
                        "the default provider '" + first + "' is not configured on this"
                                + " dispatcher and no failover provider is; configured: " + senders.keySet(),
                        null));
    }

    /** A provider's circuit breaker on this dispatcher (tests force one open to see failover happen). */
    CircuitBreaker breaker(String provider) {
        return guards.breaker(provider);
    }

    private DeliveryOutcome sendGuarded(EmailSender sender, CircuitBreaker breaker, OutboundEmail email) {
        DeliveryOutcome.RetryLater notYet = guards.quotas().acquire(sender.name());
        if (notYet != null) {
            // Our own limit, not the provider's trouble: the breaker's statistics stay as they were.
            breaker.releasePermission();
            return notYet;
        }
        long start = System.nanoTime();
        DeliveryOutcome outcome;
        try {
            outcome = sender.send(email);
        } catch (RuntimeException e) {
            long took = System.nanoTime() - start;
            calls.record(sender.name(), "error", took);
            breaker.onError(took, TimeUnit.NANOSECONDS, e);
            throw e;
        }
        long took = System.nanoTime() - start;
        calls.record(sender.name(), ProviderCalls.outcomeOf(outcome), took);
        if (outcome instanceof DeliveryOutcome.RetryLater later && later.rateLimited()) {
            // "Too fast" says the provider is up: every dispatcher holds off it instead.
            breaker.releasePermission();
            return guards.quotas().rateLimited(sender.name(), later);
        }
        if (outcome instanceof DeliveryOutcome.RetryLater later) {
            // Only "try later" says the provider is in trouble; a refusal means it is up and answering.
            breaker.onError(took, TimeUnit.NANOSECONDS, new ProviderTroubleException(later.reason()));
        } else {
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        }
        return outcome;
    }

    /** Marks a "try later" answer as a failure for the circuit breaker's statistics. */
    static final class ProviderTroubleException extends RuntimeException {
        ProviderTroubleException(String reason) {
            super(reason, null, false, false);
        }
    }
}
