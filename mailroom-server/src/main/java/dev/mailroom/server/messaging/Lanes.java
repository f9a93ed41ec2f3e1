package dev.mailroom.server.messaging;

import dev.mailroom.contracts.BulkRate;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Chooses the lane of an organization's emails by its current rate: above {@code mailroom.fairness.bulk-above}
 * emails a second it sends in bulk, and its further emails take the bulk lanes, where they wait behind each
 * other rather than in front of everyone else's. Each user of lanes keeps its own {@link Rates} (what the API
 * published, what an operator queued), as seen by this process alone: the choice needs no coordination, and
 * an organization spread over several processes is judged by its share in each.
 */
@Component
public class Lanes {
    /** Past this many organizations seen in the last seconds, the idle ones are forgotten. */
    private static final int TIDY_ABOVE = 10_000;

    private final int bulkAbove;
    private final Clock clock;

    Lanes(FairnessProperties properties, Clock clock) {
        this.bulkAbove = properties.bulkAbove();
        this.clock = clock;
    }

    /** A new, empty record of organizations' rates. */
    public Rates rates() {
        return new Rates();
    }

    /** Per organization, the emails of the current and the previous second. */
    public final class Rates {
        private final ConcurrentHashMap<String, BulkRate> byOrganization = new ConcurrentHashMap<>();

        private Rates() {}

        /** Counts {@code emails} of the organization now and says which lane they take. */
        public Lane laneFor(String organizationId, int emails) {
            if (bulkAbove == 0) {
                return Lane.PROMPT;
            }
            long now = clock.millis();
            BulkRate rate = byOrganization.computeIfAbsent(String.valueOf(organizationId), o -> new BulkRate());
            int recent;
            synchronized (rate) {
                recent = rate.add(now, emails);
            }
            if (byOrganization.size() > TIDY_ABOVE) {
                byOrganization.values().removeIf(r -> {
                    synchronized (r) {
                        return r.idleAt(now);
                    }
                });
            }
            return recent > bulkAbove ? Lane.BULK : Lane.PROMPT;
        }
    }
}
