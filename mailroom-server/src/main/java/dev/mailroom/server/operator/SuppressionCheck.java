package dev.mailroom.server.operator;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * The last look before an email is queued for dispatch (by the intake and by the releaser, in their transactions):
 * recipients on their organization's suppression list get their own SUPPRESSED, with the entry's reason, and are
 * left out of the email; on a retry, so are the recipients already done with (sent, bounced). The email goes to the
 * others. An email left with no recipient is never handed to a provider: SUPPRESSED when every recipient was
 * suppressed. One whose To recipients are all suppressed is not sent to its Cc or Bcc alone either (FAILED saying
 * why): they would receive a message addressed to nobody, and their addresses would be all it shows. A retry that
 * is left with only Cc or Bcc recipients (its To ones were sent to) sends them the email as its To.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class SuppressionCheck {
    /** An email about to be queued: attempt {@code attempt} of message {@code messageId}. */
    record Candidate(UUID messageId, String organizationId, Email email, int attempt) {}

    /**
     * @param toSend     per message that goes, the email with only the recipients left
     * @param activities what this check recorded (SUPPRESSED per recipient, FAILED), for the notifications
     */
    record Outcome(Map<UUID, Email> toSend, List<ActivityReport> activities) {}

    private final SuppressionList list;
    private final ErasedAddresses erased;
    private final MessageStore store;

    SuppressionCheck(SuppressionList list, ErasedAddresses erased, MessageStore store) {
        this.list = list;
        this.erased = erased;
        this.store = store;
    }

    Outcome apply(Collection<Candidate> candidates, Instant now) {
        Map<UUID, Email> toSend = new LinkedHashMap<>();
        List<ActivityReport> activities = new ArrayList<>();
        if (candidates.isEmpty()) {
            return new Outcome(toSend, activities);
        }
        Map<String, Set<String>> asked = new HashMap<>();
        for (Candidate c : candidates) {
            c.email()
                    .allRecipients()
                    .forEach(r -> asked.computeIfAbsent(c.organizationId(), o -> new HashSet<>())
                            .add(r.email()));
        }
        Map<String, Map<String, SuppressionList.Entry>> suppressed = list.find(asked);
        // Erased addresses are listed by their hash only (and the erased placeholder always): suppressed all the same.
        erased.find(asked)
                .forEach((organization, emails) -> emails.forEach(email -> suppressed
                        .computeIfAbsent(organization, o -> new HashMap<>())
                        .putIfAbsent(email, SuppressionList.Entry.erased(organization, email))));
        // Only a retry of a message of several recipients can have some done with already.
        Map<UUID, Set<String>> done = store.recipientsDoneWith(candidates.stream()
                .filter(c -> c.attempt() > 1 && c.email().allRecipients().size() > 1)
                .map(Candidate::messageId)
                .toList());

        List<MessageStore.RecipientRaise> raises = new ArrayList<>();
        for (Candidate c : candidates) {
            Map<String, SuppressionList.Entry> entries = suppressed.getOrDefault(c.organizationId(), Map.of());
            Set<String> doneWith = done.getOrDefault(c.messageId(), Set.of());
            if (entries.isEmpty() && doneWith.isEmpty()) {
                toSend.put(c.messageId(), c.email());
                continue;
            }
            boolean several = c.email().allRecipients().size() > 1;
            int suppressedCount = 0;
            Set<String> seen = new HashSet<>();
            for (Recipient r : c.email().allRecipients()) {
                String email = Address.normalize(r.email());
                SuppressionList.Entry entry = entries.get(email);
                // One done with already (sent, bounced) keeps the status it has: it is not sent again anyway.
                if (entry != null && !doneWith.contains(email) && seen.add(email)) {
                    suppressedCount++;
                    activities.add(suppressedActivity(c.messageId(), r.email(), entry, now));
                    if (several) {
                        raises.add(new MessageStore.RecipientRaise(c.messageId(), email, MessageStatus.SUPPRESSED));
                    }
                }
            }
            Predicate<Recipient> keep = r -> {
                String email = Address.normalize(r.email());
                return !entries.containsKey(email) && !doneWith.contains(email);
            };
            Email left = c.email()
                    .withRecipients(
                            c.email().to().stream().filter(keep).toList(),
                            c.email().cc().stream().filter(keep).toList(),
                            c.email().bcc().stream().filter(keep).toList());
            if (!left.to().isEmpty()) {
                toSend.put(c.messageId(), left);
            } else if (!left.allRecipients().isEmpty() && noneOfTheToSuppressed(c.email(), entries)) {
                // A retry of the Cc or Bcc recipients the first attempt could not reach (the To ones were sent
                // to): they go as the To of this attempt, since an email needs one.
                toSend.put(c.messageId(), left.withRecipients(left.allRecipients(), List.of(), List.of()));
            } else if (left.allRecipients().isEmpty()) {
                boolean allSuppressed = suppressedCount
                        == c.email().allRecipients().stream()
                                .map(r -> Address.normalize(r.email()))
                                .distinct()
                                .count();
                store.endWithoutSending(c.messageId(), allSuppressed ? MessageStatus.SUPPRESSED : null, now);
            } else {
                ActivityReport failed = ActivityReport.pipeline(
                        c.messageId(),
                        MessageStatus.FAILED,
                        c.attempt(),
                        now,
                        Map.of(
                                "reason",
                                "every To recipient is suppressed or done with: not sent to Cc or Bcc recipients"
                                        + " alone"));
                activities.add(failed);
                if (several) {
                    left.allRecipients()
                            .forEach(r -> raises.add(new MessageStore.RecipientRaise(
                                    c.messageId(), Address.normalize(r.email()), MessageStatus.FAILED)));
                }
                store.endWithoutSending(c.messageId(), MessageStatus.FAILED, now);
            }
        }
        store.insertActivities(activities, now);
        store.raiseRecipients(raises);
        return new Outcome(toSend, activities);
    }

    private static boolean noneOfTheToSuppressed(Email email, Map<String, SuppressionList.Entry> entries) {
        return email.to().stream().noneMatch(r -> entries.containsKey(Address.normalize(r.email())));
    }

    private static ActivityReport suppressedActivity(
            UUID messageId, String recipient, SuppressionList.Entry entry, Instant now) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(
                "reason",
                entry.reason() == null ? SuppressionList.ERASED : entry.reason().code());
        if (entry.createdAt() != null) {
            details.put("suppressedAt", entry.createdAt().toString());
        }
        if (entry.sourceMessageId() != null) {
            details.put("sourceMessageId", entry.sourceMessageId().toString());
        }
        return ActivityReport.event(
                Ids.of("suppressed", messageId.toString(), Address.normalize(recipient)),
                messageId,
                null,
                null,
                MessageStatus.SUPPRESSED,
                now,
                recipient,
                null,
                details);
    }
}
