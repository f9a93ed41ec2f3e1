package dev.mailroom.server.providers.ses;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signs SNS messages as SNS does, with the test key whose certificate is committed in the
 * certificate cache directory {@code src/test/resources/ses-certificates} as
 * {@code SimpleNotificationService-mailroom-test.pem} (RSA 2048, self-signed, valid 2020-2059;
 * made once with {@code keytool -genkeypair -startdate 2020/01/01 -validity 14600}). The string
 * to sign is built here independently of the production code.
 */
final class SnsTestSigner {
    static final String CACHE_DIR = "src/test/resources/ses-certificates";
    static final String CERT_FILE = "SimpleNotificationService-mailroom-test.pem";
    static final String SNS_CERT_URL = "https://sns.us-east-1.amazonaws.com/" + CERT_FILE;
    static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:mailroom-ses-events";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PrivateKey key;

    SnsTestSigner(PrivateKey key) {
        this.key = key;
    }

    static SnsTestSigner testKey() {
        try (InputStream in = SnsTestSigner.class.getResourceAsStream("sns-test-signer.p12")) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, "mailroom-test".toCharArray());
            return new SnsTestSigner((PrivateKey) store.getKey("sns-test", "mailroom-test".toCharArray()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fields map of a Notification, to change before {@link #sign}. */
    static Map<String, String> notification(String message, Instant timestamp) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "Notification");
        fields.put("MessageId", UUID.randomUUID().toString());
        fields.put("TopicArn", TOPIC);
        fields.put("Message", message);
        fields.put("Timestamp", timestamp.toString());
        fields.put("SignatureVersion", "2");
        fields.put("SigningCertURL", SNS_CERT_URL);
        fields.put(
                "UnsubscribeURL",
                "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + TOPIC + ":0f6b1c2d");
        return fields;
    }

    static Map<String, String> subscriptionConfirmation(String subscribeUrl, Instant timestamp) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "SubscriptionConfirmation");
        fields.put("MessageId", UUID.randomUUID().toString());
        fields.put("Token", "2336412f37fb687f5d51e6e2425dacbba9e4fe3e3b1d1a5f2a1b0c9d8e7f6a5b");
        fields.put("TopicArn", TOPIC);
        fields.put(
                "Message",
                "You have chosen to subscribe to the topic " + TOPIC
                        + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.");
        fields.put("SubscribeURL", subscribeUrl);
        fields.put("Timestamp", timestamp.toString());
        fields.put("SignatureVersion", "1");
        fields.put("SigningCertURL", SNS_CERT_URL);
        return fields;
    }

    /** Adds Signature (over the fields as given) and returns the JSON body SNS would POST. */
    byte[] sign(Map<String, String> fields) {
        Map<String, String> signed = new LinkedHashMap<>(fields);
        signed.put("Signature", signature(fields));
        return json(signed);
    }

    String signature(Map<String, String> fields) {
        String[] keys = "Notification".equals(fields.get("Type"))
                ? new String[] {"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
                : new String[] {"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"};
        StringBuilder s = new StringBuilder();
        for (String k : keys) {
            if (fields.containsKey(k)) {
                s.append(k).append('\n').append(fields.get(k)).append('\n');
            }
        }
        try {
            Signature signer =
                    Signature.getInstance("1".equals(fields.get("SignatureVersion")) ? "SHA1withRSA" : "SHA256withRSA");
            signer.initSign(key);
            signer.update(s.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] json(Map<String, String> fields) {
        ObjectNode node = JSON.createObjectNode();
        fields.forEach(node::put);
        return JSON.writeValueAsBytes(node);
    }
}
