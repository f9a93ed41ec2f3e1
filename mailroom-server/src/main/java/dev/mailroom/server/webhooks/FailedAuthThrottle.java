package dev.mailroom.server.webhooks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.MailroomProperties;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed webhook authentications counted per source address: after {@code max} failures within
 * {@code window}, every webhook call from that source is refused (429) for {@code blockFor}, so
 * that a password (Postmark's Basic credentials) or a signature cannot be guessed at network
 * speed. Only failures count: a provider whose calls verify is never slowed down, and one
 * source's success resets nobody's count.
 *
 * <p>The source is {@code HttpServletRequest.getRemoteAddr()}: behind a reverse proxy that is the
 * proxy, unless Spring's forwarded-header handling ({@code server.forward-headers-strategy}) is
 * configured to take the client's address from the proxy's headers. {@code X-Forwarded-For} is
 * never read here: anyone can send it. An IPv6 source counts by its /64, the block one subscriber
 * usually gets, so that walking through one's own addresses does not reset the count.
 *
 * <p>Memory is bounded: at most {@code max-sources} addresses are remembered (Caffeine evicts the
 * least recently used), each forgotten once neither its window nor its block applies any more.
 */
final class FailedAuthThrottle {
    private static final Logger log = LoggerFactory.getLogger(FailedAuthThrottle.class);

    private final MailroomProperties.AuthFailures config;
    private final Clock clock;
    private final Cache<String, Failures> sources;

    FailedAuthThrottle(MailroomProperties.AuthFailures config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.sources = Caffeine.newBuilder()
                .maximumSize(config.maxSources())
                .expireAfterAccess(config.window().plus(config.blockFor()))
                .build();
    }

    /** Seconds until this source may call again (rounded up), or 0 when it is not blocked. */
    long blockedForSeconds(String remoteAddress) {
        Failures failures = sources.getIfPresent(sourceKey(remoteAddress));
        return failures == null ? 0 : failures.blockedForSeconds(clock.millis());
    }

    /** Counts one failed authentication of this source; may start its block. */
    void recordFailure(String remoteAddress) {
        String key = sourceKey(remoteAddress);
        if (sources.get(key, k -> new Failures()).fail(clock.millis(), config)) {
            log.warn(
                    "Webhook calls from {} refused for {}: {} failed authentications within {}{}",
                    LogSafe.escape(key),
                    config.blockFor(),
                    config.max(),
                    config.window(),
                    isProxyLike(remoteAddress)
                            ? ". If this address is your reverse proxy, every provider behind it is refused too: set "
                                    + "server.forward-headers-strategy=native so that each client counts on its own"
                            : "");
        }
    }

    /** Loopback or private: where a reverse proxy usually sits, rarely a provider. */
    private static boolean isProxyLike(String remoteAddress) {
        // Only IP literals are parsed: getByName would look a name up in DNS.
        if (remoteAddress == null || !(remoteAddress.matches("[0-9.]+") || remoteAddress.indexOf(':') >= 0)) {
            return false;
        }
        try {
            InetAddress address = InetAddress.getByName(remoteAddress);
            return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress();
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }

    /** The address itself, or for IPv6 its /64 prefix. */
    static String sourceKey(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.indexOf(':') < 0) {
            return String.valueOf(remoteAddress);
        }
        try {
            // A literal from the servlet container: parsed, never resolved.
            InetAddress address = InetAddress.getByName(remoteAddress);
            if (address instanceof Inet6Address) {
                byte[] bytes = address.getAddress();
                for (int i = 8; i < 16; i++) {
                    bytes[i] = 0;
                }
                return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
            }
            return address.getHostAddress();
        } catch (UnknownHostException e) {
            return remoteAddress;
        }
    }

    /** One source's count in its current window, and until when it is blocked. */
    private static final class Failures {
        private long windowStart;
        private int count;
        private long blockedUntil;

        synchronized long blockedForSeconds(long now) {
            return now < blockedUntil ? (blockedUntil - now + 999) / 1000 : 0;
        }

        /** @return true when this failure starts a block */
        synchronized boolean fail(long now, MailroomProperties.AuthFailures config) {
            if (count == 0 || now - windowStart >= config.window().toMillis()) {
                windowStart = now;
                count = 0;
            }
            count++;
            if (count >= config.max() && now >= blockedUntil) {
                blockedUntil = now + config.blockFor().toMillis();
                count = 0;
                return true;
            }
            return false;
        }
    }
}
