package dev.mailroom.server.operator;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.SuppressionDecision;
import dev.mailroom.contracts.SuppressionRequest;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Carries out the API's requests to change a suppression list ({@link SuppressionRequest}): an administrator's
 * additions and removals. A whole request is one transaction, so an import chunk lands whole or not at all, and
 * the answer names exactly what it changed. An address already listed keeps its first entry (its reason is the
 * one worth knowing); an added entry's reason is {@code manual} unless the request names one.
 *
 * <p>Like {@link MessageDecisions}, a request is carried out only before its {@code expiresAt}, checked again
 * before the commit: after that the API has answered its caller 503, and the change must not happen behind it.
 */
@Service
@ConditionalOnRole(Role.OPERATOR)
class SuppressionRequests {
    private static final Logger log = LoggerFactory.getLogger(SuppressionRequests.class);

    private final SuppressionList list;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final MeterRegistry meters;
    private final NotificationFeed feed;

    SuppressionRequests(
            SuppressionList list, TransactionTemplate tx, Clock clock, MeterRegistry meters, NotificationFeed feed) {
        this.feed = feed;
        this.list = list;
        this.tx = tx;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * What a request must hold before it is carried out; a request without it is poison (dead-lettered). The API
     * checks all of this before it asks; this is the operator not trusting the queue.
     */
    static SuppressionRequest validated(SuppressionRequest request) {
        if (request.requestId() == null
                || request.organizationId() == null
                || request.expiresAt() == null
                || !(SuppressionRequest.ADD.equals(request.action())
                        || SuppressionRequest.REMOVE.equals(request.action()))) {
            throw new MalformedMessageException("a suppression request needs a requestId, an organizationId, an"
                    + " expiresAt and an action among [add, remove]");
        }
        if (request.entries().size() > SuppressionRequest.MAX_ENTRIES) {
            throw new MalformedMessageException("a suppression request holds at most " + SuppressionRequest.MAX_ENTRIES
                    + " entries, not " + request.entries().size());
        }
        FieldLimits.check("organizationId", request.organizationId(), 64);
        StorableValues.checkText("organizationId", request.organizationId());
        FieldLimits.check("requestedBy", request.requestedBy(), 320);
        StorableValues.checkText("requestedBy", request.requestedBy());
        for (int i = 0; i < request.entries().size(); i++) {
            SuppressionRequest.Entry entry = request.entries().get(i);
            String field = "entries[" + i + "]";
            if (entry == null || !EmailRules.isValidAddress(Address.normalize(entry.email()))) {
                throw new MalformedMessageException(field + ".email is not a valid email address");
            }
            if (entry.reason() != null && !SuppressionRequest.REASONS.contains(entry.reason())) {
                throw new MalformedMessageException(
                        field + ".reason must be one of " + SuppressionRequest.REASONS + ", not " + entry.reason());
            }
            FieldLimits.check(field + ".note", entry.note(), SuppressionRequest.MAX_NOTE_LENGTH);
            StorableValues.checkText(field + ".note", entry.note());
        }
        return request;
    }

    SuppressionDecision decide(SuppressionRequest request) {
        SuppressionDecision decision = tx.execute(status -> {
            if (expired(request)) {
                return answer(request, SuppressionDecision.EXPIRED, List.of(), List.of());
            }
            Instant now = clock.instant();
            SuppressionDecision done = SuppressionRequest.ADD.equals(request.action())
                    ? answer(request, SuppressionDecision.DONE, added(request, now), List.of())
                    : answer(request, SuppressionDecision.DONE, List.of(), removed(request));
            // Waiting on the database (a row another transaction is inserting) may have taken it past its expiry.
            if (expired(request)) {
                status.setRollbackOnly();
                return answer(request, SuppressionDecision.EXPIRED, List.of(), List.of());
            }
            return done;
        });
        if (SuppressionDecision.EXPIRED.equals(decision.outcome())) {
            log.info(
                    "Suppression request {} ({} of {} entries) expired at {} before it was carried out",
                    request.requestId(),
                    request.action(),
                    request.entries().size(),
                    request.expiresAt());
            return decision;
        }
        int changes = decision.added().size() + decision.removed().size();
        meters.counter("mailroom.operator.suppression.changes", "action", request.action())
                .increment(changes);
        changed(request, decision);
        return decision;
    }

    private List<String> added(SuppressionRequest request, Instant now) {
        List<SuppressionList.Entry> entries = new ArrayList<>();
        for (SuppressionRequest.Entry e : request.entries()) {
            String reason = e.reason() == null ? SuppressionRequest.MANUAL : e.reason();
            entries.add(new SuppressionList.Entry(
                    request.organizationId(),
                    e.email(),
                    SuppressionList.Reason.ofCode(reason),
                    e.note() == null || e.note().isBlank() ? Map.of() : Map.of("note", e.note()),
                    null,
                    null,
                    now,
                    request.requestedBy()));
        }
        return list.add(entries).stream().map(SuppressionList.Entry::email).toList();
    }

    private List<String> removed(SuppressionRequest request) {
        return list.remove(
                request.organizationId(),
                request.entries().stream().map(SuppressionRequest.Entry::email).toList());
    }

    /**
     * HOOK for the lead: publish the "suppression changed" notifications ({@code NotificationTypes}) of an
     * administrator's change here, one per address in {@code decision.added()} / {@code decision.removed()}.
     * Called after the commit, only for a request carried out. Deliberately a no-op until then.
     */
    private void changed(SuppressionRequest request, SuppressionDecision decision) {
        Map<String, SuppressionRequest.Entry> asked = new java.util.HashMap<>();
        request.entries().forEach(e -> asked.putIfAbsent(dev.mailroom.contracts.Address.normalize(e.email()), e));
        List<SuppressionList.Entry> added = decision.added().stream()
                .map(email -> {
                    SuppressionRequest.Entry e = asked.get(email);
                    String reason = e == null || e.reason() == null ? SuppressionRequest.MANUAL : e.reason();
                    return new SuppressionList.Entry(
                            request.organizationId(),
                            email,
                            SuppressionList.Reason.ofCode(reason),
                            e == null || e.note() == null || e.note().isBlank() ? Map.of() : Map.of("note", e.note()),
                            null,
                            null,
                            decision.decidedAt(),
                            request.requestedBy());
                })
                .toList();
        List<NotificationFeed.Removal> removed = decision.removed().stream()
                .map(email -> new NotificationFeed.Removal(request.organizationId(), email, decision.decidedAt()))
                .toList();
        try {
            feed.suppressionsChanged(added, removed);
        } catch (RuntimeException e) {
            // Carried out and answered already: the change stands; only its notification is lost, and said so.
            log.warn(
                    "Suppression change {} carried out but not notified to webhook endpoints: {}",
                    request.requestId(),
                    e.toString());
        }
    }

    private boolean expired(SuppressionRequest request) {
        return !clock.instant().isBefore(request.expiresAt());
    }

    private SuppressionDecision answer(
            SuppressionRequest request, String outcome, List<String> added, List<String> removed) {
        return new SuppressionDecision(request.requestId(), outcome, added, removed, clock.instant());
    }
}
