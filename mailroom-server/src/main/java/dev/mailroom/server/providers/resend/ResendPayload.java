package dev.mailroom.server.providers.resend;

import dev.mailroom.contracts.Attachment;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.OutboundEmail;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON body of {@code POST /emails}, and the idempotency key that goes with it.
 *
 * <p>The body must be byte-for-byte the same on every attempt of a message: Resend answers a
 * reused {@code Idempotency-Key} with a different payload by 409 {@code invalid_idempotent_request}.
 * So nothing attempt-specific goes in, and maps are written in sorted key order (the contract's
 * maps have no stable order across processes, and a retry may run on another dispatcher).
 */
final class ResendPayload {
    static final String MAILROOM_ID_TAG = "mailroom_id";
    /** Resend's rule for tag names and values: ASCII letters, digits, underscore and dash. */
    private static final Pattern NOT_TAG_CHARACTER = Pattern.compile("[^A-Za-z0-9_-]");
    /** RFC 5322 specials that oblige a display name to be a quoted string. */
    private static final Pattern NEEDS_QUOTING = Pattern.compile("[()<>\\[\\]:;@\\\\,.\"]");

    private ResendPayload() {}

    /** Derived from our id only, so every attempt of one message carries the same key. */
    static String idempotencyKey(OutboundEmail outbound) {
        return "mailroom-" + outbound.messageId();
    }

    static byte[] body(OutboundEmail outbound) {
        Email email = outbound.email();
        ObjectNode json = ContractJson.mapper().createObjectNode();
        json.put("from", mailbox(email.from().email(), email.from().name()));
        addresses(json, "to", email.to());
        addresses(json, "cc", email.cc());
        addresses(json, "bcc", email.bcc());
        if (email.replyTo() != null) {
            json.put(
                    "reply_to", mailbox(email.replyTo().email(), email.replyTo().name()));
        }
        json.put("subject", email.subject());
        if (email.html() != null) {
            json.put("html", email.html());
        }
        if (email.text() != null) {
            json.put("text", email.text());
        }
        if (!outbound.headers().isEmpty()) {
            ObjectNode headers = json.putObject("headers");
            new TreeMap<>(outbound.headers()).forEach(headers::put);
        }
        if (!email.attachments().isEmpty()) {
            ArrayNode attachments = json.putArray("attachments");
            for (Attachment a : email.attachments()) {
                ObjectNode node = attachments.addObject();
                node.put("filename", a.filename());
                // Already base64 in the contract, which is what Resend takes for "content".
                node.put("content", a.content());
                if (a.contentType() != null && !a.contentType().isBlank()) {
                    node.put("content_type", a.contentType());
                }
            }
        }
        ArrayNode tags = json.putArray("tags");
        tags.addObject()
                .put("name", MAILROOM_ID_TAG)
                .put("value", outbound.messageId().toString());
        for (String name : tagNames(email.tags())) {
            tags.addObject().put("name", name).put("value", "true");
        }
        return ContractJson.mapper().writeValueAsBytes(json);
    }

    /**
     * Our tags as Resend tag names. Resend tags are name/value pairs of {@code [A-Za-z0-9_-]}, and
     * webhooks report them as an object keyed by name, so each of our tags becomes a name (its
     * other characters replaced by {@code _}) with the value {@code true}; names that collide after
     * that, or that would shadow {@code mailroom_id}, are sent once or not at all.
     */
    static Set<String> tagNames(List<String> tags) {
        Set<String> names = new LinkedHashSet<>();
        for (String tag : tags) {
            if (tag == null || tag.isBlank()) {
                continue;
            }
            String name = NOT_TAG_CHARACTER.matcher(tag).replaceAll("_");
            if (!name.equals(MAILROOM_ID_TAG)) {
                names.add(name);
            }
        }
        return names;
    }

    /** {@code Name <address>} as Resend documents for {@code from}; a bare address without a name. */
    static String mailbox(String address, String name) {
        if (name == null || name.isBlank()) {
            return address;
        }
        String display = name.trim();
        if (NEEDS_QUOTING.matcher(display).find()) {
            display = "\"" + display.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return display + " <" + address + ">";
    }

    private static void addresses(ObjectNode json, String field, List<Recipient> recipients) {
        if (recipients.isEmpty()) {
            return;
        }
        ArrayNode array = json.putArray(field);
        recipients.forEach(r -> array.add(mailbox(r.email(), r.name())));
    }
}
