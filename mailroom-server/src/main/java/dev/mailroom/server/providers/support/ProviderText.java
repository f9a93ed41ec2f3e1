package dev.mailroom.server.providers.support;

import dev.mailroom.contracts.Address;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Small text rules the HTTP providers share: addresses, our id in their payloads, error bodies. */
public final class ProviderText {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ABBREVIATE_AT = 300;

    private ProviderText() {}

    public static String mailbox(Address address) {
        return mailbox(address.email(), address.name());
    }

    /**
     * {@code "Name" <address>}. The name is always a quoted string, so commas, dots or angle
     * brackets in it cannot split a comma-separated list or change the address.
     */
    public static String mailbox(String email, String name) {
        if (name == null || name.isBlank()) {
            return email;
        }
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\" <" + email + ">";
    }

    /** Our message id as a provider echoes it back; null when absent or not one of ours. */
    public static UUID mailroomIdOrNull(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A response body as a JSON object, or null when it is empty or not one (an HTML error page, say). */
    public static JsonNode readOrNull(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** A JSON string or number as text; null for anything else. */
    public static String text(JsonNode node) {
        return node != null && (node.isString() || node.isNumber()) ? node.asString() : null;
    }

    /** A body short enough to quote in a reason. */
    public static String abbreviate(byte[] body) {
        String s = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
        return s.length() <= ABBREVIATE_AT ? s : s.substring(0, ABBREVIATE_AT) + "…";
    }
}
