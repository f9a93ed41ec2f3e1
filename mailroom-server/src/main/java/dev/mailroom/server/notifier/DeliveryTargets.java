package dev.mailroom.server.notifier;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * Which webhook URLs Mailroom calls (no SSRF): {@code https} only unless http is allowed, and never an internal
 * address unless private addresses are allowed. The URL is checked when an endpoint is registered ({@link #check})
 * and again on every connection, on the addresses the name resolved to ({@link #resolver}): a name that resolved to a
 * public address at registration and to 127.0.0.1 later (DNS rebinding) is refused at the connection. Redirects are
 * never followed, so a public endpoint cannot send the notifier inwards either.
 */
public final class DeliveryTargets {
    /** The longest URL kept (webhook_endpoints.url). */
    public static final int MAX_URL = 2048;

    private final boolean allowHttp;
    private final boolean allowPrivateAddresses;

    public DeliveryTargets(boolean allowHttp, boolean allowPrivateAddresses) {
        this.allowHttp = allowHttp;
        this.allowPrivateAddresses = allowPrivateAddresses;
    }

    /** The rule of this installation's settings. */
    public static DeliveryTargets of(dev.mailroom.server.NotifierProperties properties) {
        return new DeliveryTargets(properties.allowHttp(), properties.allowPrivateAddresses());
    }

    /**
     * Why {@code url} may not be an endpoint, in words for the person who gave it; empty when it may. A host that is
     * an address literal is checked here; a name is checked when it is connected to (it may resolve elsewhere by
     * then), but a name that resolves only to internal addresses now is refused at once.
     */
    public Optional<String> check(String url) {
        // One rule of which URLs may be endpoints, the one registration applies.
        return dev.mailroom.server.WebhookTargets.problemWith(
                url, new dev.mailroom.server.WebhookTargets.Rules(allowHttp, allowPrivateAddresses));
    }

    /**
     * Resolves names for the notifier's HTTP client, refusing (as unknown) a name with any internal address: the
     * check made on the address actually connected to.
     */
    public DnsResolver resolver() {
        if (allowPrivateAddresses) {
            return SystemDefaultDnsResolver.INSTANCE;
        }
        return new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
                for (InetAddress address : addresses) {
                    if (isInternal(address)) {
                        throw new UnknownHostException(refusal(host, address));
                    }
                }
                return Arrays.copyOf(addresses, addresses.length);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
            }
        };
    }

    private static String refusal(String host, InetAddress address) {
        return "webhook host " + host + " is an internal address (" + address.getHostAddress()
                + "): loopback, private, link-local, shared (CGNAT), unique-local, multicast and wildcard addresses are"
                + " not called (mailroom.notifier.allow-private-addresses)";
    }

    /** Whether connecting to {@code address} is connecting inwards: the rule registration applies. */
    public static boolean isInternal(InetAddress address) {
        return dev.mailroom.server.WebhookTargets.isInternal(address);
    }
}
