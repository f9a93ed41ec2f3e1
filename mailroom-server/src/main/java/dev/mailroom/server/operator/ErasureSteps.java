package dev.mailroom.server.operator;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.ErasureProperties;
import dev.mailroom.server.Role;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Carries out one erasure, step by step, each step in short transactions that first lock the erasure's work row and
 * add the rows they changed to its audit row: the suppression (first, so that nothing is sent to the address from
 * here on), the member read model (while the recipients still tell which names went with the address), the emails
 * a batch at a time, the per-address tables, the dead letters a page at a time; then the notifier's part where the
 * organization has webhook deliveries; then done, the address deleted with the work row. Every step changes only
 * what still mentions the address, so a step run again (an operator died, another took over) changes nothing twice
 * and the counts stay exact.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class ErasureSteps {
    private static final Logger log = LoggerFactory.getLogger(ErasureSteps.class);
    /** Emails looked up at a time: each lookup reads the organization's recipients once. */
    private static final int CANDIDATES = 10_000;
    /** Dead letters read at a time. */
    private static final int DEAD_LETTER_PAGE = 200;
    /** How long an operator holds an erasure without renewing. */
    static final Duration LEASE = Duration.ofMinutes(2);

    private final ErasureStore store;
    private final ErasedAddresses erased;
    private final MemberErasure members;
    private final MessageErasure messages;
    private final AddressErasure addresses;
    private final DeadLetterErasure deadLetters;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final int batchSize;

    ErasureSteps(
            ErasureStore store,
            ErasedAddresses erased,
            MemberErasure members,
            MessageErasure messages,
            AddressErasure addresses,
            DeadLetterErasure deadLetters,
            TransactionTemplate tx,
            Clock clock,
            ErasureProperties properties) {
        this.store = store;
        this.erased = erased;
        this.members = members;
        this.messages = messages;
        this.addresses = addresses;
        this.deadLetters = deadLetters;
        this.tx = tx;
        this.clock = clock;
        this.batchSize = properties.batchSize();
    }

    /**
     * Carries the erasure (leased by the caller) as far as it can go now.
     *
     * @return whether it is done
     */
    boolean carryOut(ErasureStore.Work work) {
        if (ErasureStore.HISTORY.equals(work.stage()) && !history(work)) {
            return false;
        }
        return deliveriesDone(work.erasureId());
    }

    /** The operator's own tables. @return false when the erasure went away meanwhile (done by another operator) */
    private boolean history(ErasureStore.Work work) {
        String org = work.organizationId();
        String address = work.email();
        // Suppressed first: from this commit on nothing is sent to the address, and every email recorded for it
        // before then is found by the reads below.
        if (!step(work.erasureId(), w -> {
            erased.add(org, address);
            return Map.of();
        })) {
            return false;
        }
        // One read of the recipients serves the member read model too, unless there are more emails than it took.
        MessageErasure.Candidates first = messages.candidates(org, address, CANDIDATES);
        Set<String> memberIds = first.messageIds().size() < CANDIDATES ? first.memberIds() : null;
        if (!step(work.erasureId(), w -> members.erase(org, address, memberIds))) {
            return false;
        }
        List<UUID> ids = first.messageIds();
        while (!ids.isEmpty()) {
            int erasedEmails = eraseEmails(work.erasureId(), org, address, ids);
            if (erasedEmails < 0) {
                return false;
            }
            // Fewer than asked for: that was all of them. None erased: what the database's LOWER matched, Java's
            // normalization does not (an exotic spelling); looking again would find the same ones forever.
            if (ids.size() < CANDIDATES || erasedEmails == 0) {
                break;
            }
            ids = messages.candidates(org, address, CANDIDATES).messageIds();
        }
        if (!step(work.erasureId(), w -> addresses.erase(org, address))) {
            return false;
        }
        UUID after = null;
        while (true) {
            DeadLetterErasure.Page page = deadLetters.look(org, address, after, DEAD_LETTER_PAGE);
            if (!page.toErase().isEmpty()
                    && !step(
                            work.erasureId(),
                            w -> Map.of("dead_letters", deadLetters.erase(address, page.toErase(), clock.instant())))) {
                return false;
            }
            if (page.last() == null) {
                break;
            }
            after = page.last();
        }
        return Boolean.TRUE.equals(tx.execute(status -> {
            if (store.lock(work.erasureId()).isEmpty()) {
                return false;
            }
            store.toStage(work.erasureId(), ErasureStore.DELIVERIES);
            return true;
        }));
    }

    /** Erases these emails a batch at a time. @return how many were erased, or -1 when the erasure is gone */
    private int eraseEmails(UUID erasureId, String org, String address, List<UUID> ids) {
        int[] erased = {0};
        for (int from = 0; from < ids.size(); from += batchSize) {
            List<UUID> batch = ids.subList(from, Math.min(ids.size(), from + batchSize));
            if (!step(erasureId, w -> {
                Map<String, Integer> changed = messages.erase(org, address, batch);
                erased[0] += changed.getOrDefault("messages", 0);
                return changed;
            })) {
                return -1;
            }
        }
        return erased[0];
    }

    /**
     * Completes the erasure once the notifier has erased its delivery log, or at once where the organization has no
     * webhook deliveries at all. @return whether it is done
     */
    private boolean deliveriesDone(UUID erasureId) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            ErasureStore.Work work = store.lock(erasureId).orElse(null);
            if (work == null) {
                return true;
            }
            Map<String, Integer> notifier = store.notifierPart(erasureId).orElse(null);
            if (notifier == null && store.hasWebhookDeliveries(work.organizationId())) {
                return false;
            }
            if (notifier != null) {
                store.addCounts(erasureId, notifier);
            }
            store.complete(erasureId, clock.instant());
            log.info("Erasure {} of organization {} done", erasureId, work.organizationId());
            return true;
        }));
    }

    /**
     * One transaction of an erasure: locks its work row (empty when done: nothing to do), renews the lease, runs the
     * step and adds what it changed to the audit row.
     *
     * @return false when the erasure is gone
     */
    private boolean step(UUID erasureId, Function<ErasureStore.Work, Map<String, Integer>> change) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            ErasureStore.Work work = store.lock(erasureId).orElse(null);
            if (work == null) {
                return false;
            }
            store.renew(erasureId, clock.instant().plus(LEASE));
            store.addCounts(erasureId, change.apply(work));
            return true;
        }));
    }
}
