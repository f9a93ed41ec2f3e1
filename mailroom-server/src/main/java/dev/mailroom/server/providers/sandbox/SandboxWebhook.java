package dev.mailroom.server.providers.sandbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON body the sandbox posts to {@code /webhooks/sandbox}. */
record SandboxWebhook(List<Event> events) {

    /**
     * @param id        the sandbox's event id (deduplication key)
     * @param event     deferred, delivered, opened, clicked, bounced, complained
     * @param mailroomId our message id, carried as every provider carries {@code mailroom_id}
     * @param messageId the sandbox's own message id
     */
    record Event(
            String id,
            String event,
            @JsonProperty("mailroom_id") String mailroomId,
            @JsonProperty("message_id") String messageId,
            String recipient,
            Instant timestamp,
            Map<String, Object> details) {}
}
