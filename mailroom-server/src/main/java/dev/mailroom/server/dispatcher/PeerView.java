package dev.mailroom.server.dispatcher;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * This dispatcher's view of the live dispatcher processes, from the heartbeats heard on the
 * {@code mailroom.dispatchers} exchange (its own included: hearing itself proves its heartbeats get
 * through the broker), and the share of an installation-wide limit it may use.
 *
 * <ul>
 *   <li>A dispatcher is live while it was heard within {@value #LIVE_HEARTBEATS} heartbeats; one that
 *       says it is leaving is gone at once.</li>
 *   <li>Every live dispatcher, joined or still joining, counts in the divisor: a newcomer lowers the
 *       others' shares as soon as they hear it.</li>
 *   <li>A newcomer takes no share until it has heard itself, one and a half heartbeats have passed
 *       (so it heard every peer's regular heartbeat) and every live peer's heartbeat says it sees the
 *       newcomer (so their shares are already lower); after {@value #LIVE_HEARTBEATS} heartbeats it
 *       stops waiting for a peer that never does. So a scale-up never sends more than the limit.</li>
 *   <li>A dispatcher that has not heard itself for {@value #SELF_HEARTBEATS} heartbeats (cut off from
 *       the broker, or too busy to beat: its peers are about to count it out) takes no share, and joins
 *       again once it hears itself after its peers counted it out.</li>
 * </ul>
 * Thread-safe. Time is a monotonic nanosecond source (tests drive it).
 */
final class PeerView {
    static final int LIVE_HEARTBEATS = 3;
    static final int SELF_HEARTBEATS = 2;

    /** What a heartbeat says: who sent it, which dispatchers it counts as live, and whether it is leaving. */
    record Heartbeat(String dispatcher, Set<String> sees, boolean leaving) {
        Heartbeat {
            sees = sees == null ? Set.of() : Set.copyOf(sees);
        }
    }

    private record Heard(long at, Set<String> sees) {}

    private final String self;
    private final long heartbeatNanos;
    private final LongSupplier nanos;
    private final Map<String, Heard> heard = new ConcurrentHashMap<>();
    private final Object joinLock = new Object();
    private long joiningSince; // guarded by joinLock
    private boolean joined; // guarded by joinLock

    PeerView(String self, Duration heartbeat, LongSupplier nanos) {
        this.self = self;
        this.heartbeatNanos = heartbeat.toNanos();
        this.nanos = nanos;
        this.joiningSince = nanos.getAsLong();
    }

    String self() {
        return self;
    }

    /**
     * Takes a heartbeat in.
     *
     * @return whether it came from a dispatcher not live before (the caller answers with a heartbeat
     *     of its own at once, so the newcomer need not wait a whole period to see this one)
     */
    boolean heard(Heartbeat heartbeat) {
        long now = nanos.getAsLong();
        if (heartbeat.leaving()) {
            heard.remove(heartbeat.dispatcher());
            return false;
        }
        Heard before = heard.put(heartbeat.dispatcher(), new Heard(now, heartbeat.sees()));
        if (heartbeat.dispatcher().equals(self) && (before == null || !fresh(before, now))) {
            synchronized (joinLock) {
                // (Re)connected: peers may have counted this one out; join again.
                joined = false;
                joiningSince = now;
            }
        }
        return before == null || !fresh(before, now);
    }

    /** The live dispatchers, this one included once it heard itself. */
    Set<String> live() {
        long now = nanos.getAsLong();
        Set<String> live = new TreeSet<>();
        heard.forEach((id, h) -> {
            if (fresh(h, now)) {
                live.add(id);
            }
        });
        return live;
    }

    /** Forgets dispatchers long gone, so the map does not grow with every restart. */
    void forgetStale() {
        long now = nanos.getAsLong();
        heard.entrySet().removeIf(e -> now - e.getValue().at() > 10 * LIVE_HEARTBEATS * heartbeatNanos);
    }

    /** Whether this dispatcher may use a share now (see the class comment). */
    boolean joined() {
        long now = nanos.getAsLong();
        Heard me = heard.get(self);
        // Stricter for itself than for its peers (two heartbeats, not three): a dispatcher whose
        // heartbeats run late stops sending before the others count it out and take its share.
        if (me == null || now - me.at() > SELF_HEARTBEATS * heartbeatNanos) {
            return false;
        }
        synchronized (joinLock) {
            if (joined) {
                return true;
            }
            long waited = now - joiningSince;
            if (waited < heartbeatNanos * 3 / 2) {
                return false;
            }
            boolean seenByAll = waited >= LIVE_HEARTBEATS * heartbeatNanos
                    || heard.entrySet().stream()
                            .filter(e -> !e.getKey().equals(self) && fresh(e.getValue(), now))
                            .allMatch(e -> e.getValue().sees().contains(self));
            joined = seenByAll;
            return joined;
        }
    }

    /** This dispatcher's share of an installation-wide limit per second: {@code limit / live}, or 0. */
    double share(double limit) {
        if (!joined()) {
            return 0;
        }
        return limit / Math.max(1, live().size());
    }

    private boolean fresh(Heard h, long now) {
        return now - h.at() <= LIVE_HEARTBEATS * heartbeatNanos;
    }
}
