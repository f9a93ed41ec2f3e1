package dev.mailroom.server.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Send limits per organization: how many emails it may submit per rolling second, minute, hour and day
 * (its plan's, {@code mailroom.accounts.plans}, each window overridable per organization). The API asks before
 * it publishes a submission (over the limit: 429), the operator before it records one that came straight to
 * the mailbox (over the limit: held, SCHEDULED until the window allows) and again when it releases a held one.
 *
 * <p>The counts are rows in the database, taken under the organization's row lock: every API and operator
 * process shares them, and they survive restarts. An organization with no limit costs nothing: its limits are
 * cached ({@code mailroom.accounts.key-recheck}), and nothing is counted or locked for it. A count taken by a
 * process that then fails before publishing or recording is not given back: the limit errs on the safe side.
 */
@Component
@ConditionalOnRole({Role.API, Role.OPERATOR})
public class SendAllowance {
    /** The default plan of a new organization. */
    public static final String DEFAULT_PLAN = "standard";

    private final SendCountStore store;
    private final TransactionTemplate transactions;
    private final AccountsProperties properties;
    private final Clock clock;
    private final Cache<String, Optional<Effective>> limits;
    /** Per organization, the last minute this process pruned its old buckets in. */
    private final Map<String, Long> prunedInMinute = new ConcurrentHashMap<>();

    SendAllowance(
            SendCountStore store,
            @Qualifier(AccountsDatabase.POOL) TransactionTemplate transactions,
            AccountsProperties properties,
            Clock clock) {
        this.store = store;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
        this.limits = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(properties.keyRecheck())
                .build();
    }

    /** One window of an organization's limits, as it stands. */
    public record WindowUsage(SendWindow window, int limit, int used, Instant resetAt, String source) {
        public int remaining() {
            return Math.max(0, limit - used);
        }
    }

    /** An organization's plan and its usage of each limited window (none when it has no limits). */
    public record Usage(String organizationId, String plan, List<WindowUsage> windows) {
        public boolean limited() {
            return !windows.isEmpty();
        }
    }

    /**
     * What a request for {@code wanted} sends was granted: the first {@code granted} of them may go. When fewer
     * were granted, {@code refusedBy} is the window that refused and {@code retryAt} when it has room again.
     */
    public record Grant(int wanted, int granted, Usage usage, WindowUsage refusedBy, Instant retryAt) {
        public boolean all() {
            return granted == wanted;
        }
    }

    private record Effective(String plan, SendLimits limits, SendLimits own) {}

    public Grant take(String organizationId, int wanted) {
        return takeAll(Map.of(organizationId, wanted)).get(organizationId);
    }

    /** Takes sends for several organizations at once (one transaction): the operator's batches. */
    public Map<String, Grant> takeAll(Map<String, Integer> wanted) {
        Instant now = clock.instant();
        Map<String, Grant> grants = new HashMap<>();
        List<String> limited = new ArrayList<>();
        wanted.forEach((org, n) -> {
            Optional<Effective> effective = cached(org);
            if (effective.isEmpty() || effective.get().limits().isEmpty()) {
                grants.put(org, unlimited(org, effective, n));
            } else {
                limited.add(org);
            }
        });
        if (limited.isEmpty()) {
            return grants;
        }
        long nowMillis = now.toEpochMilli();
        transactions.executeWithoutResult(tx -> {
            for (SendCountStore.Limits row : store.lock(limited)) {
                Effective effective = effective(row);
                limits.put(row.organizationId(), Optional.of(effective));
                int n = wanted.get(row.organizationId());
                if (effective.limits().isEmpty()) {
                    grants.put(row.organizationId(), unlimited(row.organizationId(), Optional.of(effective), n));
                    continue;
                }
                Map<SendWindow, Integer> windows = effective.limits().asMap();
                Map<SendWindow, TreeMap<Long, Integer>> counted =
                        store.counted(row.organizationId(), windows.keySet(), nowMillis);
                int granted = n;
                for (Map.Entry<SendWindow, Integer> w : windows.entrySet()) {
                    granted = Math.min(granted, Math.max(0, w.getValue() - sum(counted.get(w.getKey()))));
                }
                if (granted > 0) {
                    store.add(row.organizationId(), windows.keySet(), granted, nowMillis);
                    for (SendWindow w : windows.keySet()) {
                        counted.get(w).merge(w.bucketAt(nowMillis), granted, Integer::sum);
                    }
                }
                grants.put(row.organizationId(), grant(row.organizationId(), effective, counted, n, granted, now));
                pruneNowAndThen(row.organizationId(), nowMillis);
            }
        });
        // An organization that does not exist (any more) has no limits.
        limited.stream()
                .filter(org -> !grants.containsKey(org))
                .forEach(org -> grants.put(org, unlimited(org, Optional.empty(), wanted.get(org))));
        return grants;
    }

    /** Whether the organization has any send limit (as cached: at most {@code key-recheck} old). */
    public boolean limited(String organizationId) {
        return cached(organizationId).map(e -> !e.limits().isEmpty()).orElse(false);
    }

    /** An organization's usage now, without taking anything. */
    public Usage usage(String organizationId) {
        long nowMillis = clock.millis();
        Optional<Effective> effective =
                store.find(List.of(organizationId)).stream().findFirst().map(this::effective);
        if (effective.isEmpty()) {
            return new Usage(organizationId, null, List.of());
        }
        Map<SendWindow, TreeMap<Long, Integer>> counted =
                store.counted(organizationId, effective.get().limits().asMap().keySet(), nowMillis);
        return grant(organizationId, effective.get(), counted, 0, 0, clock.instant())
                .usage();
    }

    /** Sets an organization's plan and its own limits (the platform's decision). */
    boolean update(String organizationId, String plan, SendLimits own) {
        boolean found = store.update(organizationId, plan, own);
        limits.invalidate(organizationId);
        return found;
    }

    /** The plans configured, by name. */
    public Map<String, SendLimits> plans() {
        return properties.plans();
    }

    private Optional<Effective> cached(String organizationId) {
        return limits.get(
                organizationId,
                org -> store.find(List.of(org)).stream().findFirst().map(this::effective));
    }

    private Effective effective(SendCountStore.Limits row) {
        SendLimits plan = properties.plans().getOrDefault(row.plan(), SendLimits.NONE);
        return new Effective(row.plan(), plan.overriddenBy(row.own()), row.own());
    }

    private static Grant unlimited(String organizationId, Optional<Effective> effective, int wanted) {
        return new Grant(
                wanted,
                wanted,
                new Usage(organizationId, effective.map(Effective::plan).orElse(null), List.of()),
                null,
                null);
    }

    private static Grant grant(
            String organizationId,
            Effective effective,
            Map<SendWindow, TreeMap<Long, Integer>> counted,
            int wanted,
            int granted,
            Instant now) {
        List<WindowUsage> windows = new ArrayList<>();
        WindowUsage refusedBy = null;
        Instant retryAt = null;
        for (Map.Entry<SendWindow, Integer> w : effective.limits().asMap().entrySet()) {
            TreeMap<Long, Integer> buckets = counted.get(w.getKey());
            int used = sum(buckets);
            String source = effective.own().of(w.getKey()) != null ? "organization" : "plan";
            WindowUsage usage = new WindowUsage(
                    w.getKey(), w.getValue(), used, freeAt(w.getKey(), buckets, used - w.getValue() + 1, now), source);
            windows.add(usage);
            // The window that waits longest is the one that decides when the next send may go.
            if (granted < wanted
                    && used + 1 > w.getValue()
                    && (retryAt == null || usage.resetAt().isAfter(retryAt))) {
                refusedBy = usage;
                retryAt = usage.resetAt();
            }
        }
        return new Grant(wanted, granted, new Usage(organizationId, effective.plan(), windows), refusedBy, retryAt);
    }

    /**
     * When enough of the window's counted emails have left it for {@code toFree} more to fit; with nothing to
     * free, when its oldest counted bucket leaves (the window's reset, as headers give it).
     */
    private static Instant freeAt(SendWindow window, TreeMap<Long, Integer> buckets, int toFree, Instant now) {
        int freed = 0;
        for (Map.Entry<Long, Integer> b : buckets.entrySet()) {
            freed += b.getValue();
            if (freed >= Math.max(1, toFree)) {
                return Instant.ofEpochMilli(window.expiryMillisOf(b.getKey()));
            }
        }
        return now;
    }

    private static int sum(TreeMap<Long, Integer> buckets) {
        return buckets.values().stream().mapToInt(Integer::intValue).sum();
    }

    private void pruneNowAndThen(String organizationId, long nowMillis) {
        long minute = nowMillis / 60_000;
        Long last = prunedInMinute.put(organizationId, minute);
        if (last == null || last != minute) {
            store.prune(organizationId, nowMillis);
        }
    }
}
