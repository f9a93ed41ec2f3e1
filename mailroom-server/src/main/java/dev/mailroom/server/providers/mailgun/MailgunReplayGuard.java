package dev.mailroom.server.providers.mailgun;

import java.security.MessageDigest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the signature tokens seen while their timestamps are fresh, so that a captured
 * signature cannot be replayed with another event: Mailgun signs only timestamp and token, not
 * the event, so without this anyone who saw one webhook could forge others for five minutes.
 *
 * <p>A token seen again with the very same body is let through: that is a retry (ours answered
 * 503 while the broker was down, say) or a replay of a fact already stored, and the event's
 * deterministic id stores it once either way. Refusing it could lose the event for good.
 *
 * <p>Bounded: entries leave when their timestamp is no longer fresh (a stale timestamp is refused
 * anyway), and beyond {@code maxEntries} the oldest leave first. The memory is per process; with
 * several webhook sinks a replay to another one is still stored only once by the event id.
 */
final class MailgunReplayGuard {
    private record Seen(long freshUntil, byte[] bodyDigest) {}

    private final int maxEntries;
    private final LinkedHashMap<String, Seen> seen = new LinkedHashMap<>();

    MailgunReplayGuard(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /**
     * @param freshUntil unix seconds after which the token's timestamp is stale
     * @return true when the token is new, or seen before with the same body; false for a replay
     */
    synchronized boolean admit(String token, byte[] bodyDigest, long freshUntil, long now) {
        forgetStale(now);
        Seen previous = seen.get(token);
        if (previous != null) {
            return MessageDigest.isEqual(previous.bodyDigest(), bodyDigest);
        }
        seen.put(token, new Seen(freshUntil, bodyDigest));
        Iterator<String> oldest = seen.keySet().iterator();
        while (seen.size() > maxEntries && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    synchronized int size() {
        return seen.size();
    }

    /** From the oldest insertion on; stops at the first fresh one (timestamps arrive roughly in order). */
    private void forgetStale(long now) {
        Iterator<Map.Entry<String, Seen>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue().freshUntil() >= now) {
                return;
            }
            it.remove();
        }
    }
}
