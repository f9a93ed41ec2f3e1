package dev.mailroom.server.providers;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A webhook call as received: the raw body (signatures cover its exact bytes) and the headers. */
public record WebhookRequest(byte[] body, Map<String, List<String>> headers) {

    /** The first value of a header, matched case-insensitively, or null. */
    public String header(String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))
                    && !entry.getValue().isEmpty()) {
                return entry.getValue().get(0);
            }
        }
        return null;
    }
}
