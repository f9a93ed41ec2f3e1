package dev.mailroom.server.api;

import dev.mailroom.contracts.MessageDecision;
import dev.mailroom.contracts.MessageRequest;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.RequestReply;
import dev.mailroom.server.security.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Asks the operator, the only writer, to change one message and waits for its decision: the API
 * reads the database but must not decide on what it read, because the operator may release the
 * message in between (the check-then-publish race). The request expires after
 * {@code mailroom.api.decision-timeout}: the operator carries out none older. The API waits that
 * long plus {@link #REPLY_GRACE} for the answer, so that a decision made just before the expiry
 * still reaches the caller; with no answer by then the caller gets 503 and the request never takes
 * effect later. This assumes the API's and the operator's clocks agree within the grace (NTP), and an
 * answer that takes longer than the grace to travel is the one case where a 503 hides a change made.
 */
@Component
@ConditionalOnRole(Role.API)
class OperatorRequests {
    /** Time for an answer the operator sent just before the request's expiry to arrive. */
    static final Duration REPLY_GRACE = Duration.ofSeconds(2);

    private final RequestReply requestReply;
    private final Clock clock;
    private final Duration timeout;

    OperatorRequests(RequestReply requestReply, Clock clock, MailroomProperties properties) {
        this.requestReply = requestReply;
        this.clock = clock;
        this.timeout = properties.api().decisionTimeout();
    }

    MessageDecision cancel(Caller caller, UUID messageId) {
        return ask(caller, MessageRequest.CANCEL, messageId, null);
    }

    MessageDecision reschedule(Caller caller, UUID messageId, Instant sendAt) {
        return ask(caller, MessageRequest.RESCHEDULE, messageId, sendAt);
    }

    MessageDecision retry(Caller caller, UUID messageId) {
        return ask(caller, MessageRequest.RETRY, messageId, null);
    }

    private MessageDecision ask(Caller caller, String action, UUID messageId, Instant sendAt) {
        Instant now = clock.instant();
        MessageRequest request = new MessageRequest(
                UUID.randomUUID(),
                action,
                messageId,
                caller.organizationId(),
                sendAt,
                caller.name(),
                now,
                now.plus(timeout));
        return requestReply
                .ask(request, MessageDecision.class, timeout.plus(REPLY_GRACE))
                .orElseThrow(() -> new NoDecisionException(action, messageId, timeout));
    }
}
