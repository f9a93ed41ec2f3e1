package dev.mailroom.server.webhooks;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.ContractJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The one check every provider's reports pass before the webhook sink publishes them, so that a
 * verified but odd event (a provider's bug, or a signed call from whoever holds a provider's
 * secret) can never become poison for the operator, whatever receiver produced it:
 *
 * <ul>
 *   <li><b>Event time</b>: outside [arrival − {@code max-event-age}, arrival + {@code max-event-ahead}]
 *       (or missing) it is replaced by the time of arrival, and the provider's own value is kept in
 *       the details as {@value #ORIGINAL_TIME}. Clamped, not refused: the call is authentic and the
 *       event did happen, only its clock is implausible; a refusal would make the provider retry
 *       the same call for hours and then drop it (or disable the endpoint), losing the event.
 *       A time the receiver cannot parse at all is refused by the receiver (400), as before.</li>
 *   <li><b>Strings</b>: NUL removed (PostgreSQL text cannot hold it), unpaired UTF-16 surrogates
 *       replaced by U+FFFD (no encoder can write them), in every string including detail keys and
 *       nested values.</li>
 *   <li><b>Lengths</b>: cut to the columns' sizes ({@link ActivityReport#MAX_PROVIDER} and the
 *       others beside it, which the operator checks too), detail keys
 *       to {@value #MAX_DETAIL_KEY} and detail strings to {@value #MAX_DETAIL_VALUE} characters;
 *       details nested deeper than {@value #MAX_DEPTH} levels are replaced by a note.</li>
 * </ul>
 */
final class ReportSanitizer {
    static final String ORIGINAL_TIME = "providerOccurredAt";
    static final int MAX_DETAIL_KEY = 128;
    static final int MAX_DETAIL_VALUE = 2048;
    static final int MAX_DEPTH = 8;
    static final String TOO_DEEP = "(nested too deep; dropped)";

    private final Duration maxAge;
    private final Duration maxAhead;

    ReportSanitizer(Duration maxAge, Duration maxAhead) {
        this.maxAge = maxAge;
        this.maxAhead = maxAhead;
    }

    List<ActivityReport> sanitize(List<ActivityReport> reports, Instant receivedAt) {
        List<ActivityReport> out = new ArrayList<>(reports.size());
        for (ActivityReport r : reports) {
            out.add(sanitize(r, receivedAt));
        }
        return out;
    }

    ActivityReport sanitize(ActivityReport r, Instant receivedAt) {
        Map<String, Object> details = sanitizedMap(r.details(), 1);
        Instant occurredAt = r.occurredAt();
        if (occurredAt == null
                || occurredAt.isBefore(receivedAt.minus(maxAge))
                || occurredAt.isAfter(receivedAt.plus(maxAhead))) {
            if (occurredAt != null) {
                details.put(ORIGINAL_TIME, occurredAt.toString());
            }
            occurredAt = receivedAt;
        }
        return r.toBuilder()
                .providerMessageId(text(r.providerMessageId(), ActivityReport.MAX_PROVIDER_MESSAGE_ID))
                .provider(text(r.provider(), ActivityReport.MAX_PROVIDER))
                .occurredAt(occurredAt)
                .recipient(text(r.recipient(), ActivityReport.MAX_RECIPIENT))
                .providerEvent(text(r.providerEvent(), ActivityReport.MAX_PROVIDER_EVENT))
                .details(withoutNullValues(details))
                .build();
    }

    /** NUL removed, lone surrogates replaced, at most {@code max} characters (never half a surrogate pair); null stays null. */
    static String text(String s, int max) {
        if (s == null) {
            return null;
        }
        StringBuilder out = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean pairStart = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
            boolean bad = c == '\0' || (Character.isSurrogate(c) && !pairStart);
            if (bad && out == null) {
                out = new StringBuilder(n).append(s, 0, i);
            }
            if (out != null) {
                if (c != '\0') {
                    out.append(bad ? '\uFFFD' : c);
                }
            }
            if (pairStart) {
                i++;
                if (out != null) {
                    out.append(s.charAt(i));
                }
            }
        }
        String clean = out == null ? s : out.toString();
        if (clean.length() <= max) {
            return clean;
        }
        int cut = Character.isHighSurrogate(clean.charAt(max - 1)) ? max - 1 : max;
        return clean.substring(0, cut);
    }

    private static Map<String, Object> sanitizedMap(Map<?, ?> map, int depth) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.putIfAbsent(text(String.valueOf(e.getKey()), MAX_DETAIL_KEY), value(e.getValue(), depth));
        }
        return out;
    }

    private static Object value(Object v, int depth) {
        if (v instanceof String s) {
            return text(s, MAX_DETAIL_VALUE);
        }
        if (v instanceof JsonNode node) {
            // Iterable, but over its values only: read it as the plain maps and lists it stands for.
            return value(ContractJson.mapper().convertValue(node, Object.class), depth);
        }
        if (v instanceof Map<?, ?> m) {
            return depth >= MAX_DEPTH ? TOO_DEEP : Collections.unmodifiableMap(sanitizedMap(m, depth + 1));
        }
        if (v instanceof Iterable<?> list) {
            if (depth >= MAX_DEPTH) {
                return TOO_DEEP;
            }
            List<Object> out = new ArrayList<>();
            list.forEach(item -> out.add(value(item, depth + 1)));
            return Collections.unmodifiableList(out);
        }
        if (v == null || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        // Anything else a receiver put there (an Instant, a JSON node) is stored as its text.
        return text(String.valueOf(v), MAX_DETAIL_VALUE);
    }

    /** ActivityReport copies its details with Map.copyOf, which takes no null values; nested maps keep theirs. */
    private static Map<String, Object> withoutNullValues(Map<String, Object> details) {
        details.values().removeIf(v -> v == null);
        return details;
    }
}
