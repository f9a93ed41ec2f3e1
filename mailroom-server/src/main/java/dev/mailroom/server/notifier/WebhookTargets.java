package dev.mailroom.server.notifier;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
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
public final class WebhookTargets {
    /** The longest URL kept (webhook_endpoints.url). */
    public static final int MAX_URL = 2048;

    private final boolean allowHttp;
    private final boolean allowPrivateAddresses;

    public WebhookTargets(boolean allowHttp, boolean allowPrivateAddresses) {
        this.allowHttp = allowHttp;
        this.allowPrivateAddresses = allowPrivateAddresses;
    }

    /** The rule of this installation's settings. */
    public static WebhookTargets of(NotifierProperties properties) {
        return new WebhookTargets(properties.allowHttp(), properties.allowPrivateAddresses());
    }

    /**
     * Why {@code url} may not be an endpoint, in words for the person who gave it; empty when it may. A host that is
     * an address literal is checked here; a name is checked when it is connected to (it may resolve elsewhere by
     * then), but a name that resolves only to internal addresses now is refused at once.
     */
    public Optional<String> check(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("a webhook URL is required");
        }
        if (url.length() > MAX_URL) {
            return Optional.of("a webhook URL has at most " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return Optional.of("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            return Optional.of(
                    allowHttp
                            ? "a webhook URL must be http or https"
                            : "a webhook URL must be https (http is not allowed)");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return Optional.of("a webhook URL needs a host");
        }
        if (uri.getUserInfo() != null) {
            return Optional.of("a webhook URL may not carry a user name or password");
        }
        if (uri.getFragment() != null) {
            return Optional.of("a webhook URL may not have a fragment (#...)");
        }
        if (allowPrivateAddresses) {
            return Optional.empty();
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equalsIgnoreCase("localhost") || host.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
            return Optional.of("a webhook URL may not point at this machine (" + host + ")");
        }
        if (isAddressLiteral(host)) {
            try {
                InetAddress address = InetAddress.getByName(host);
                if (isInternal(address)) {
                    return Optional.of(refusal(host, address));
                }
            } catch (UnknownHostException e) {
                return Optional.of("not a valid address: " + host);
            }
        }
        return Optional.empty();
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

    private static boolean isAddressLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    /** Loopback, private (RFC 1918), link-local, CGNAT (100.64/10), unique-local (fc00::/7), multicast, any-local. */
    public static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isAnyLocalAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 // "this network"
                    || (first == 100 && second >= 64 && second <= 127) // shared address space (CGNAT)
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19)) // benchmarking
                    || first >= 240; // reserved, broadcast
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) { // unique local fc00::/7
                return true;
            }
            // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96): the IPv4 address inside decides.
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            boolean nat64 = first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
            if (mapped || nat64) {
                try {
                    return isInternal(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }
}
