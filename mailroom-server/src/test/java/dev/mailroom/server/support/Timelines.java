package dev.mailroom.server.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** Waits for a message's timeline, as seen through the API, to reach a condition. */
public final class Timelines {
    private Timelines() {}

    public static List<String> statuses(JsonNode message) {
        List<String> statuses = new ArrayList<>();
        message.get("activities").forEach(a -> statuses.add(a.get("status").asString()));
        return statuses;
    }

    /**
     * The statuses of the timeline with the dispatcher's first DISPATCHED before the provider's events that precede it.
     * The timeline is in each activity's own time: DISPATCHED is taken by the dispatcher's clock when the provider
     * answered, a provider's event (one with a {@code providerEvent}) by the provider's; on a loaded machine the
     * sandbox's first event, due 50 ms after the send in tests, can carry an earlier time than a dispatcher thread
     * that was not scheduled for that long. What the tests check is the pipeline's order, not two clocks'.
     */
    public static List<String> pipelineStatuses(JsonNode message) {
        List<String> statuses = new ArrayList<>();
        List<Boolean> fromProvider = new ArrayList<>();
        message.get("activities").forEach(a -> {
            statuses.add(a.get("status").asString());
            JsonNode event = a.get("providerEvent");
            fromProvider.add(event != null && !event.isNull());
        });
        int dispatched = statuses.indexOf("DISPATCHED");
        int before = dispatched;
        while (before > 0 && fromProvider.get(before - 1)) {
            before--;
        }
        if (before < dispatched) {
            statuses.remove(dispatched);
            statuses.add(before, "DISPATCHED");
        }
        return statuses;
    }

    /** Polls until the message exists and {@code done} holds; returns the last view. */
    public static JsonNode awaitMessage(ApiClient api, String id, Predicate<JsonNode> done) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    last[0] = api.message(id);
                    return last[0] != null && done.test(last[0]);
                });
        return last[0];
    }

    public static JsonNode awaitStatus(ApiClient api, String id, String status) {
        return awaitMessage(api, id, m -> status.equals(m.get("status").asString()));
    }

    public static JsonNode awaitActivity(ApiClient api, String id, String status) {
        return awaitMessage(api, id, m -> statuses(m).contains(status));
    }
}
