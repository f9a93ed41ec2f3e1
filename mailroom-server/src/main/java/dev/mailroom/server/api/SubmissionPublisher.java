package dev.mailroom.server.api;

import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.InternalKey;
import dev.mailroom.server.accounts.SendAllowance;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.messaging.Lanes;
import dev.mailroom.server.messaging.OutgoingMessage;
import dev.mailroom.server.messaging.PublishFailedException;
import dev.mailroom.server.security.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Drops submissions in the mailbox (cancels are the operator's decision: OperatorRequests); returns once the broker has confirmed them. Each is
 * signed with the installation's internal key (the operator refuses what is not signed): the caller
 * was authenticated here, and the body names the caller's organization.
 */
@Component
@ConditionalOnRole(Role.API)
class SubmissionPublisher {
    private final ConfirmedPublisher publisher;
    private final InternalKey internalKey;
    /** What this process published per organization: above its fair rate, an organization's mail goes in bulk. */
    private final Lanes.Rates rates;

    private final SendAllowance allowance;

    SubmissionPublisher(ConfirmedPublisher publisher, InternalKey internalKey, Lanes lanes, SendAllowance allowance) {
        this.allowance = allowance;
        this.publisher = publisher;
        this.internalKey = internalKey;
        this.rates = lanes.rates();
    }

    /** What became of the submissions handed in together, and their organization's send limits after them. */
    record Submissions(List<SubmissionOutcome> outcomes, SendAllowance.Grant grant) {}

    /**
     * Accepts these new submissions of the caller's organization: the one way in for the single submit and
     * for a batch, so that what decides per organization which submissions go in decides here, for both. The
     * send limits (a count shared by every API and operator process) grant the first ones; the rest are refused
     * with 429. Every accepted one is published (all together, one round of confirms, on the organization's
     * lane) and confirmed by the broker before this returns.
     *
     * @return one outcome per submission, in order: accepted, or refused with a status and a problem
     * @throws PublishFailedException when the broker did not confirm them all (some may be in the mailbox:
     *                                the caller answers 503 and a retry with the same ids records each once)
     */
    Submissions submitAll(Caller caller, List<SubmitMessage> messages) {
        if (messages.isEmpty()) {
            return new Submissions(List.of(), null);
        }
        SendAllowance.Grant grant = allowance.take(caller.organizationId(), messages.size());
        List<SubmitMessage> granted = messages.subList(0, grant.granted());
        if (!granted.isEmpty()) {
            publisher.publishAll(granted, this::proof, rates.laneFor(caller.organizationId(), granted.size()));
        }
        List<SubmissionOutcome> outcomes = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            outcomes.add(
                    i < grant.granted()
                            ? SubmissionOutcome.accepted(messages.get(i).id())
                            : SubmissionOutcome.refused(
                                    messages.get(i).id(),
                                    429,
                                    SendLimitReachedException.TITLE,
                                    SendLimitReachedException.describe(grant),
                                    List.of(SendLimitReachedException.violation(grant))));
        }
        return new Submissions(outcomes, grant);
    }

    private Map<String, String> proof(OutgoingMessage wire) {
        try {
            return internalKey.proofOf(wire.messageId(), wire.type(), wire.body());
        } catch (DataAccessException e) {
            // Only before the key was first read: afterwards signing needs no database.
            throw new PublishFailedException("cannot read Mailroom's internal key to sign the message", e);
        }
    }
}
