package dev.mailroom.server;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.contracts.SuppressionRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an erasure does to values that mention the erased person, one rule for every writer that erases (the
 * operator, its history; the notifier, its delivery log). Where a row must keep an address (a recipient that keeps
 * its status and its member's counts) the address becomes {@link ErasureRequest#ERASED_ADDRESS}; every mention of the
 * address, or of a name given with it, in text becomes {@link ErasureRequest#ERASED_TEXT}. Matching ignores case; a
 * name is matched as a whole (not inside another word).
 *
 * <p>Activity details of the erased person keep only what counts and timelines need ({@link #KEPT_DETAILS}: the kind
 * of bounce, times, the suppression code) and say {@code "erased": true}; an IP address, a user agent, a clicked
 * link, a bounce reply are gone.
 */
public final class ErasedData {
    /** Activity detail keys that say nothing about the person: kept when an activity's details are erased. */
    public static final Set<String> KEPT_DETAILS = Set.of(
            "bounceType",
            "smtpCode",
            "suppression",
            "retryAt",
            "nextAttemptAt",
            "sendAt",
            "previousSendAt",
            "suppressedAt",
            "sourceMessageId",
            "providerOccurredAt",
            "limit",
            "attempt",
            "attempts",
            "source");

    private static final String ERASED_DETAIL = "erased";
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final String address;
    private final Pattern mentions;
    /** The address's UTF-8 bytes read as ISO-8859-1 (one char per byte), matched in binary content. */
    private final Pattern byteMentions;

    private ErasedData(String address, Collection<String> names) {
        this.address = address;
        List<String> alternatives = new ArrayList<>();
        alternatives.add(Pattern.quote(address));
        // Longest first, so that "Ada Lovelace" goes whole before "Ada" could take part of it.
        names.stream()
                .filter(Objects::nonNull)
                .map(String::strip)
                .filter(n -> n.length() >= 2)
                .distinct()
                .sorted((a, b) -> b.length() - a.length())
                .forEach(n -> alternatives.add("(?<![\\p{L}\\p{N}])" + Pattern.quote(n) + "(?![\\p{L}\\p{N}])"));
        this.mentions =
                Pattern.compile(String.join("|", alternatives), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        this.byteMentions = Pattern.compile(
                Pattern.quote(new String(address.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)),
                Pattern.CASE_INSENSITIVE);
    }

    /**
     * @param address the erased address, in any spelling
     * @param names   names given with it (in the message at hand): erased from text too
     */
    public static ErasedData of(String address, Collection<String> names) {
        return new ErasedData(Address.normalize(address), names == null ? List.of() : names);
    }

    public static ErasedData of(String address) {
        return of(address, List.of());
    }

    /** The normalized erased address. */
    public String address() {
        return address;
    }

    /** Whether {@code email} is the erased address (in any spelling). */
    public boolean isErased(String email) {
        return email != null && address.equals(Address.normalize(email));
    }

    /** Whether the text mentions the address or one of the names, in any case. */
    public boolean mentions(String text) {
        return text != null && mentions.matcher(text).find();
    }

    /** The text with every mention replaced by {@link ErasureRequest#ERASED_TEXT}; null stays null. */
    public String text(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = mentions.matcher(text);
        return m.find() ? m.replaceAll(Matcher.quoteReplacement(ErasureRequest.ERASED_TEXT)) : text;
    }

    /** Binary content (an attachment, a queue message body) with the address's bytes replaced; the same array if none. */
    public byte[] bytes(byte[] content) {
        String latin1 = new String(content, StandardCharsets.ISO_8859_1);
        Matcher m = byteMentions.matcher(latin1);
        if (!m.find()) {
            return content;
        }
        return m.replaceAll(Matcher.quoteReplacement(ErasureRequest.ERASED_TEXT))
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Whether binary content holds the address's bytes, in any case. */
    public boolean mentions(byte[] content) {
        return byteMentions
                .matcher(new String(content, StandardCharsets.ISO_8859_1))
                .find();
    }

    /**
     * An erased person's activity details: only {@link #KEPT_DETAILS} (and {@code reason} where it is a suppression
     * reason code, not a bounce reply), and {@code "erased": true} when anything else was there; unchanged (a copy)
     * when nothing else was.
     */
    public static Map<String, Object> details(Map<String, ?> details) {
        Map<String, Object> kept = new LinkedHashMap<>();
        if (details == null) {
            return kept;
        }
        details.forEach((key, value) -> {
            if (KEPT_DETAILS.contains(key)
                    || ERASED_DETAIL.equals(key)
                    || ("reason".equals(key) && SuppressionRequest.REASONS.contains(String.valueOf(value)))) {
                kept.put(key, value);
            }
        });
        if (kept.size() < details.size()) {
            kept.put(ERASED_DETAIL, true);
        }
        return kept;
    }

    /**
     * A JSON document (an email's stored content, activity details, a webhook payload) with the person erased from
     * it: an object whose {@code email} or {@code recipient} is the address gets {@link ErasureRequest#ERASED_ADDRESS}
     * instead, loses its {@code name} and {@code memberId}, and its {@code details} become {@link #details}; an
     * attachment's base64 {@code content} is erased as bytes; every other text value (and key) is erased as text.
     *
     * @return the erased document, or {@code json} itself when nothing in it mentions the person (or it is no JSON)
     */
    public String json(String json) {
        if (json == null || !(mentions(json) || looksBase64Encoded(json))) {
            return json;
        }
        Object tree;
        try {
            tree = ContractJson.read(json.getBytes(StandardCharsets.UTF_8), Object.class);
        } catch (RuntimeException e) {
            // Not JSON after all: erased as text.
            return text(json);
        }
        Object erased = tree(tree, null);
        if (Objects.equals(erased, tree)) {
            return json;
        }
        return new String(ContractJson.write(erased), StandardCharsets.UTF_8);
    }

    /** Whether the document holds attachments, whose base64 content may hide the address. */
    private static boolean looksBase64Encoded(String json) {
        return json.contains("\"attachments\"");
    }

    @SuppressWarnings("unchecked")
    private Object tree(Object node, String key) {
        if (node instanceof Map<?, ?> map) {
            return object((Map<String, Object>) map);
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(
                        "attachments".equals(key) && item instanceof Map<?, ?> a
                                ? attachment((Map<String, Object>) a)
                                : tree(item, null));
            }
            return out;
        }
        if (node instanceof String s) {
            return text(s);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(Map<String, Object> map) {
        boolean person = isErased(asText(map.get("email"))) || isErased(asText(map.get("recipient")));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (person && ("name".equals(key) || "memberId".equals(key))) {
                continue;
            }
            if (person && ("email".equals(key) || "recipient".equals(key)) && isErased(asText(value))) {
                out.put(key, ErasureRequest.ERASED_ADDRESS);
            } else if (person && "details".equals(key) && value instanceof Map) {
                out.put(key, details((Map<String, ?>) value));
            } else {
                out.put(text(key), tree(value, key));
            }
        }
        return out;
    }

    private Map<String, Object> attachment(Map<String, Object> attachment) {
        Map<String, Object> out = new LinkedHashMap<>();
        attachment.forEach((key, value) -> {
            if ("content".equals(key) && value instanceof String base64) {
                out.put(key, base64Content(base64));
            } else {
                out.put(key, tree(value, key));
            }
        });
        return out;
    }

    private String base64Content(String base64) {
        byte[] content;
        try {
            content = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return text(base64);
        }
        byte[] erased = bytes(content);
        return erased == content ? base64 : BASE64.encodeToString(erased);
    }

    private static String asText(Object value) {
        return value instanceof String s ? s : null;
    }

    /** Lower-cased names, distinct, for the member read model's terms. */
    public static Set<String> lowerCased(Collection<String> names) {
        Set<String> out = new LinkedHashSet<>();
        names.stream()
                .filter(Objects::nonNull)
                .filter(n -> !n.isEmpty())
                .forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
        return out;
    }
}
