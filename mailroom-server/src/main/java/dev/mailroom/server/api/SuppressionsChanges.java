package dev.mailroom.server.api;

import dev.mailroom.contracts.SuppressionDecision;
import dev.mailroom.contracts.SuppressionRequest;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.RequestReply;
import dev.mailroom.server.security.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Asks the operator, the only writer of the suppression lists, to change one (a {@link SuppressionRequest}) and
 * waits for its answer, with the expiry and grace of {@link OperatorRequests}: no answer in time means 503 and the
 * request never takes effect later.
 */
@Component
@ConditionalOnRole(Role.API)
class SuppressionsChanges {
    private final RequestReply requestReply;
    private final Clock clock;
    private final Duration timeout;

    SuppressionsChanges(RequestReply requestReply, Clock clock, MailroomProperties properties) {
        this.requestReply = requestReply;
        this.clock = clock;
        this.timeout = properties.api().decisionTimeout();
    }

    /** @return the decision, whose {@code added} names the addresses that were not listed before */
    SuppressionDecision add(Caller caller, List<SuppressionRequest.Entry> entries) {
        return ask(caller, SuppressionRequest.ADD, entries);
    }

    /** @return the decision, whose {@code removed} names the addresses that were listed */
    SuppressionDecision remove(Caller caller, List<String> emails) {
        return ask(
                caller,
                SuppressionRequest.REMOVE,
                emails.stream()
                        .map(e -> new SuppressionRequest.Entry(e, null, null))
                        .toList());
    }

    private SuppressionDecision ask(Caller caller, String action, List<SuppressionRequest.Entry> entries) {
        Instant now = clock.instant();
        SuppressionRequest request = new SuppressionRequest(
                UUID.randomUUID(), caller.organizationId(), action, entries, caller.name(), now, now.plus(timeout));
        SuppressionDecision decision = requestReply
                .ask(request, SuppressionDecision.class, timeout.plus(OperatorRequests.REPLY_GRACE))
                .orElseThrow(
                        () -> new SuppressionsUnavailableException("the operator did not answer within " + timeout));
        if (SuppressionDecision.EXPIRED.equals(decision.outcome())) {
            // Answered, but too late to act on: the same as no answer in time.
            throw new SuppressionsUnavailableException("the operator took the request too late to carry it out");
        }
        return decision;
    }
}
