package dev.mailroom.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an organization's webhook endpoint may point at ({@link Rules}, from {@link NotifierProperties}): an absolute
 * {@code https} URL (http only when allowed) without user info or fragment, whose host is not an internal
 * address (unless allowed). Here because two roles need it: the API checks a URL when it is registered, the
 * notifier checks the address it actually connects to (a public name can resolve to an internal address, and
 * change later), with {@link #isInternal(InetAddress)}.
 *
 * <p>At registration the host is not resolved (no DNS lookup in an API call, and a lookup then proves nothing
 * about the lookup at delivery): IP literals are judged, and names that are internal by their form
 * ({@code localhost}, {@code *.localhost}, {@code *.internal}, single labels resolved through search domains).
 */
public final class WebhookTargets {
    public static final int MAX_URL_LENGTH = 2048;

    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private WebhookTargets() {}

    /**
     * Which targets are allowed beyond {@code https} to public hosts.
     *
     * @param allowHttp             {@code http} URLs are accepted too
     * @param allowPrivateAddresses internal addresses (and names internal by their form) are accepted too
     */
    public record Rules(boolean allowHttp, boolean allowPrivateAddresses) {
        /** https to public hosts only: the defaults. */
        public static final Rules PRODUCTION = new Rules(false, false);
    }

    /** Why {@code url} cannot be an endpoint under these rules, or empty when it can. */
    public static Optional<String> problemWith(String url, Rules rules) {
        if (url == null || url.isBlank()) {
            return Optional.of("is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            return Optional.of("is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL: " + e.getReason());
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null) {
            return Optional.of("must be an absolute URL with a host, such as https://example.com/webhooks");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && rules.allowHttp())) {
            return Optional.of(
                    rules.allowHttp()
                            ? "must use https or http"
                            : "must use https (http only where mailroom.notifier.allow-http=true)");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not hold a user name or password");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("must not have a fragment (#...)");
        }
        if (!rules.allowPrivateAddresses()) {
            return internalHost(uri.getHost())
                    .map(
                            why -> why
                                    + ": internal addresses are refused (mailroom.notifier.allow-private-addresses=true allows them)");
        }
        return Optional.empty();
    }

    private static Optional<String> internalHost(String rawHost) {
        String host = rawHost.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.startsWith("[")) {
            return literal(host.substring(1, host.length() - 1))
                    .filter(WebhookTargets::isInternal)
                    .map(a -> "its host " + rawHost + " is an internal address");
        }
        if (DOTTED_QUAD.matcher(host).matches()) {
            Optional<InetAddress> address = literal(host);
            if (address.isEmpty()) {
                return Optional.of("its host " + rawHost
                        + " is not an IPv4 address written plainly (a.b.c.d, each 0-255, no leading zeros)");
            }
            return address.filter(WebhookTargets::isInternal)
                    .map(a -> "its host " + rawHost + " is an internal address");
        }
        if (lastLabelIsNumeric(host)) {
            return Optional.of("its host " + rawHost + " is an IP address in an unusual form: write it as a.b.c.d");
        }
        if (!host.contains(".")) {
            return Optional.of("its host " + rawHost + " is a single-label name, resolved on the local network");
        }
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".internal")) {
            return Optional.of("its host " + rawHost + " names a local or internal host");
        }
        return Optional.empty();
    }

    /**
     * A host whose last label is a number (or hex) is read as an IPv4 address by resolvers ({@code 2130706433},
     * {@code 0x7f.1}, {@code 127.1}); no top-level domain is numeric, so such a host is an address in disguise.
     */
    private static boolean lastLabelIsNumeric(String host) {
        String last = host.substring(host.lastIndexOf('.') + 1);
        return last.matches("\\d+|0x[0-9a-f]*");
    }

    /**
     * An IP literal, never a DNS lookup: a dotted quad of decimal numbers up to 255 without leading zeros (which
     * C resolvers would read as octal), or an IPv6 address the URI parser accepted between brackets.
     */
    private static Optional<InetAddress> literal(String text) {
        try {
            if (text.contains(":")) {
                return Optional.of(InetAddress.getByName(text));
            }
            String[] parts = text.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int value = Integer.parseInt(parts[i]);
                if (value > 255 || (parts[i].length() > 1 && parts[i].startsWith("0"))) {
                    return Optional.empty();
                }
                bytes[i] = (byte) value;
            }
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether an address is not on the public internet: loopback, unspecified, private (RFC 1918, IPv6 unique
     * local), link-local (cloud metadata at 169.254.169.254), shared (100.64/10), benchmarking (198.18/15),
     * multicast, reserved (240/4, 0/8), or an IPv4-mapped or -compatible IPv6 address of one of these.
     */
    public static boolean isInternal(InetAddress address) {
        if (address.isAnyLocalAddress()
                || address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0
                    || first >= 240
                    || (first == 100 && second >= 64 && second < 128)
                    || (first == 198 && (second == 18 || second == 19))
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0);
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) { // fc00::/7 unique local
                return true;
            }
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) { // fec0::/10 old site-local
                return true;
            }
            boolean firstTenZero = true;
            for (int i = 0; i < 10; i++) {
                firstTenZero &= b[i] == 0;
            }
            boolean mapped = firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            boolean compatible = firstTenZero && b[10] == 0 && b[11] == 0;
            if (mapped || compatible) {
                try {
                    return isInternal(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            // 64:ff9b::/96 (NAT64) embeds an IPv4 address too.
            if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                try {
                    return isInternal(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }
}
