package dev.mailroom.server.messaging;

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
        private final ConcurrentHashMap<String, Rate> byOrganization = new ConcurrentHashMap<>();

        private Rates() {}

        /** Counts {@code emails} of the organization now and says which lane they take. */
        public Lane laneFor(String organizationId, int emails) {
            if (bulkAbove == 0) {
                return Lane.PROMPT;
            }
            long now = clock.millis();
            int recent = byOrganization
                    .computeIfAbsent(String.valueOf(organizationId), o -> new Rate())
                    .add(now, emails);
            if (byOrganization.size() > TIDY_ABOVE) {
                byOrganization.values().removeIf(r -> r.idleAt(now));
            }
            return recent > bulkAbove ? Lane.BULK : Lane.PROMPT;
        }
    }

    /** A sliding one-second rate: this second's count plus the share of the last one still inside the second. */
    private static final class Rate {
        private long second;
        private int current;
        private int previous;

        synchronized int add(long nowMillis, int emails) {
            long s = nowMillis / 1000;
            if (s != second) {
                previous = s == second + 1 ? current : 0;
                current = 0;
                second = s;
            }
            current += emails;
            double elapsed = (nowMillis % 1000) / 1000.0;
            return (int) (previous * (1 - elapsed)) + current;
        }

        synchronized boolean idleAt(long nowMillis) {
            return nowMillis / 1000 > second + 1;
        }
    }
}
