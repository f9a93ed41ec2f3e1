package dev.mailroom.server.providers.ses;

import dev.mailroom.server.providers.WebhookRejectedException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The envelope of an Amazon SNS HTTP(S) delivery: what SNS signs, and nothing of what it carries
 * is trusted before {@link SnsSignatureVerifier} has checked it.
 *
 * @param message the SNS {@code Message}: for SES event publishing, the SES event as a JSON string
 */
record SnsMessage(
        String type,
        String messageId,
        String topicArn,
        String subject,
        String message,
        String timestamp,
        String token,
        String subscribeUrl,
        String signatureVersion,
        String signature,
        String signingCertUrl) {

    static final String NOTIFICATION = "Notification";
    static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
    static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";
    private static final Set<String> TYPES = Set.of(NOTIFICATION, SUBSCRIPTION_CONFIRMATION, UNSUBSCRIBE_CONFIRMATION);

    /** Duplicate keys refused: the fields we verify must be the fields we then use. */
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * Reads the envelope's fields as plain strings (as SNS sends them, JSON-unescaped).
     *
     * @throws WebhookRejectedException 400 when the body is not an SNS message at all; 401 when
     *                                  it is one but carries no signature
     */
    static SnsMessage parse(byte[] body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            throw WebhookRejectedException.malformed("body is not an SNS message (JSON): " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw WebhookRejectedException.malformed("body is not an SNS message: expected a JSON object");
        }
        String type = text(node, "Type");
        if (type == null || !TYPES.contains(type)) {
            throw WebhookRejectedException.malformed("SNS Type must be one of " + TYPES + ", got " + type);
        }
        SnsMessage m = new SnsMessage(
                type,
                text(node, "MessageId"),
                text(node, "TopicArn"),
                text(node, "Subject"),
                text(node, "Message"),
                text(node, "Timestamp"),
                text(node, "Token"),
                // Lambda-delivered records spell these ...Url; the signature is the same.
                firstText(node, "SubscribeURL", "SubscribeUrl"),
                text(node, "SignatureVersion"),
                text(node, "Signature"),
                firstText(node, "SigningCertURL", "SigningCertUrl"));
        if (m.messageId == null || m.topicArn == null || m.message == null || m.timestamp == null) {
            throw WebhookRejectedException.malformed("SNS message lacks MessageId, TopicArn, Message or Timestamp");
        }
        if (!NOTIFICATION.equals(type) && (m.token == null || m.subscribeUrl == null)) {
            throw WebhookRejectedException.malformed("SNS " + type + " lacks Token or SubscribeURL");
        }
        if (m.signature == null || m.signatureVersion == null || m.signingCertUrl == null) {
            throw WebhookRejectedException.unauthenticated(
                    "SNS message is not signed: Signature, SignatureVersion and SigningCertURL are required");
        }
        return m;
    }

    /**
     * The bytes SNS signed: {@code key\nvalue\n} for each field in this order, Subject only when
     * present (AWS "Verifying the signatures of Amazon SNS messages").
     */
    byte[] stringToSign() {
        StringBuilder s = new StringBuilder();
        append(s, "Message", message);
        append(s, "MessageId", messageId);
        if (NOTIFICATION.equals(type)) {
            if (subject != null) {
                append(s, "Subject", subject);
            }
            append(s, "Timestamp", timestamp);
            append(s, "TopicArn", topicArn);
        } else {
            append(s, "SubscribeURL", subscribeUrl);
            append(s, "Timestamp", timestamp);
            append(s, "Token", token);
            append(s, "TopicArn", topicArn);
        }
        append(s, "Type", type);
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws WebhookRejectedException 400 when the Timestamp is not an ISO-8601 instant */
    Instant sentAt() {
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw WebhookRejectedException.malformed("SNS Timestamp is not an ISO-8601 instant: " + timestamp);
        }
    }

    private static void append(StringBuilder s, String key, String value) {
        s.append(key).append('\n').append(value).append('\n');
    }

    /** A string field, or null when absent, JSON null or not a string. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    private static String firstText(JsonNode node, String field, String alternative) {
        String value = text(node, field);
        return value != null ? value : text(node, alternative);
    }
}
