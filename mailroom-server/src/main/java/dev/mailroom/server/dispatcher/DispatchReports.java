package dev.mailroom.server.dispatcher;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.server.providers.DeliveryOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the dispatcher reports on the tracking queue for a provider's answer: one report about the
 * message (DISPATCHED, DEFERRED or FAILED), or, when the provider judged each recipient on its own
 * ({@link DeliveryOutcome.PerRecipient}), one report per recipient naming it (DISPATCHED, DEFERRED
 * with a soft bounce, BOUNCED with a hard one), so that the operator can keep each recipient's
 * status and retry only those who were deferred.
 */
final class DispatchReports {
    private DispatchReports() {}

    /** The reports for {@code outcome} of {@code command}, sent by {@code provider}, at {@code now}. */
    static List<ActivityReport> of(DispatchCommand command, String provider, DeliveryOutcome outcome, Instant now) {
        int attempt = command.attempt();
        // Java 17: no pattern matching for switch yet, so the sealed outcomes are tested in turn.
        if (outcome instanceof DeliveryOutcome.PerRecipient perRecipient) {
            return perRecipient(command, provider, perRecipient, now);
        }
        Map<String, Object> details = new HashMap<>();
        details.put("attempt", attempt);
        if (outcome instanceof DeliveryOutcome.Accepted accepted) {
            return List.of(ActivityReport.dispatched(
                    command.messageId(), attempt, provider, accepted.providerMessageId(), now, details));
        }
        if (outcome instanceof DeliveryOutcome.RetryLater later) {
            details.put("reason", later.reason());
            if (later.notBefore() != null) {
                details.put("retryAfter", later.notBefore().toString());
            }
            return List.of(ActivityReport.deferred(
                    command.messageId(),
                    attempt,
                    provider,
                    now,
                    later.notBefore() == null ? now : later.notBefore(),
                    details));
        }
        DeliveryOutcome.Rejected rejected = (DeliveryOutcome.Rejected) outcome;
        details.put("reason", rejected.reason());
        if (rejected.suppression() != null) {
            details.put("suppression", rejected.suppression());
        }
        return List.of(ActivityReport.failed(command.messageId(), attempt, provider, now, details));
    }

    private static List<ActivityReport> perRecipient(
            DispatchCommand command, String provider, DeliveryOutcome.PerRecipient outcome, Instant now) {
        int attempt = command.attempt();
        List<ActivityReport> reports = new ArrayList<>(outcome.recipients().size());
        for (DeliveryOutcome.RecipientOutcome r : outcome.recipients()) {
            Map<String, Object> details = new HashMap<>();
            details.put("attempt", attempt);
            if (r.verdict() == DeliveryOutcome.RecipientVerdict.ACCEPTED) {
                reports.add(ActivityReport.recipientDispatched(
                        command.messageId(),
                        attempt,
                        provider,
                        outcome.providerMessageId(),
                        r.recipient(),
                        now,
                        details));
                continue;
            }
            details.put("reason", r.reason());
            if (r.smtpCode() != null) {
                details.put("smtpCode", r.smtpCode());
            }
            if (r.verdict() == DeliveryOutcome.RecipientVerdict.DEFERRED) {
                details.put("bounceType", "soft");
                // The relay gave no time: "now" leaves the timing to the operator's back-off, as
                // for a message-wide DEFERRED without a Retry-After.
                reports.add(ActivityReport.recipientDeferred(
                        command.messageId(), attempt, provider, r.recipient(), now, now, details));
            } else {
                details.put("bounceType", "hard");
                reports.add(ActivityReport.recipientBounced(
                        command.messageId(), attempt, provider, r.recipient(), now, details));
            }
        }
        return reports;
    }
}
