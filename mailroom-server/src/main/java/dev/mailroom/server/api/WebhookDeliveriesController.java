package dev.mailroom.server.api;

import dev.mailroom.contracts.Notification;
import dev.mailroom.contracts.NotificationBatch;
import dev.mailroom.contracts.NotificationTypes;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * An endpoint's delivery log, replays and test sends (admin). The API writes nothing: a replay or a test publishes
 * {@link Notification}s addressed to that endpoint alone, and the notifier sends them (a replay under the event's own
 * webhook-id, with the payload the log kept). Another organization's endpoint is "not found".
 */
@RestController
@RequestMapping("/api/v1/webhook-endpoints/{id}")
@ConditionalOnRole(Role.API)
@Tag(name = "Webhook endpoints")
class WebhookDeliveriesController {
    static final int MAX_PAGE = 200;
    /** Deliveries one replay of a time range sends again at most; a longer range is refused, naming this. */
    static final int MAX_REPLAY = 10_000;

    private static final Set<String> STATES = Set.of("pending", "delivered", "failed");
    private static final Pattern EVENT_ID = Pattern.compile("msg_[0-9a-f]{32}");

    private final WebhookDeliveryQueries queries;
    private final ConfirmedPublisher publisher;
    private final Clock clock;

    WebhookDeliveriesController(WebhookDeliveryQueries queries, ConfirmedPublisher publisher, Clock clock) {
        this.queries = queries;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** A replay: one event ({@code eventId}, the webhook-id) or the events that occurred in [since, until). */
    record ReplayRequest(String eventId, Instant since, Instant until) {}

    @Operation(
            operationId = "listWebhookDeliveries",
            summary = "List an endpoint's deliveries",
            description =
                    "An endpoint's delivery log, newest first: per event its `eventId` (the `webhook-id`), `eventType`, `state` (`pending`, `delivered`, `failed`), `payload`, `nextAttemptAt` and every attempt. Scope `admin`.")
    @GetMapping("/deliveries")
    Map<String, Object> deliveries(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String until,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        String organization = ownEndpoint(caller, id);
        QueryParameters params = new QueryParameters();
        if (state != null && !STATES.contains(state)) {
            params.add(new Violation("state", "must be one of pending, delivered, failed"));
        }
        Instant from = params.instant("since", since);
        Instant to = params.instant("until", until);
        int size = params.limit(limit, 50, MAX_PAGE);
        PageCursor after = params.cursor(cursor, PageCursor::decode);
        params.validate();
        List<Map<String, Object>> items = queries.page(id, state, from, to, after, size);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("endpointId", id);
        page.put("organizationId", organization);
        page.put("items", items);
        page.put(
                "nextCursor",
                items.size() < size
                        ? null
                        : new PageCursor((Instant) items.get(items.size() - 1).get("createdAt"), (UUID)
                                        items.get(items.size() - 1).get("id"))
                                .encode());
        return page;
    }

    @Operation(
            operationId = "replayWebhookEvents",
            summary = "Send events to an endpoint again",
            description =
                    "Sends events to the endpoint again, with their `webhook-id`: one (`eventId`) or those that occurred in a range (`since`, `until`; at most 10,000). Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "503", description = "The broker did not take the events; retry")
    @PostMapping("/replay")
    ResponseEntity<Map<String, Object>> replay(
            @AuthenticationPrincipal Caller caller, @PathVariable UUID id, @RequestBody ReplayRequest request) {
        String organization = ownEndpoint(caller, id);
        List<WebhookDeliveryQueries.Delivery> found;
        if (request.eventId() != null) {
            if (request.since() != null || request.until() != null) {
                throw invalid("eventId", "give either eventId or since and until, not both");
            }
            if (!EVENT_ID.matcher(request.eventId()).matches()) {
                throw invalid("eventId", "must be a webhook-id: msg_ and 32 hexadecimal digits");
            }
            found = queries.byEvent(id, request.eventId()).map(List::of).orElse(List.of());
            if (found.isEmpty()) {
                throw new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no delivery of event " + request.eventId() + " to endpoint " + id);
            }
        } else {
            List<Violation> problems = new ArrayList<>();
            if (request.since() == null) {
                problems.add(new Violation("since", "give eventId, or since and until"));
            }
            if (request.until() == null) {
                problems.add(new Violation("until", "give eventId, or since and until"));
            }
            storable(problems, "since", request.since());
            storable(problems, "until", request.until());
            if (problems.isEmpty() && !request.since().isBefore(request.until())) {
                problems.add(new Violation("until", "must be after since"));
            }
            if (!problems.isEmpty()) {
                throw new InvalidRequestException(problems);
            }
            found = queries.inRange(id, request.since(), request.until(), MAX_REPLAY + 1);
            if (found.size() > MAX_REPLAY) {
                throw invalid("until", "more than " + MAX_REPLAY + " events in this range: replay a shorter one");
            }
        }
        List<Notification> notifications =
                found.stream().map(d -> replayOf(d, organization, id)).toList();
        publish(notifications);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("endpointId", id);
        answer.put("replayed", notifications.size());
        answer.put(
                "eventIds",
                found.stream().map(WebhookDeliveryQueries.Delivery::eventId).toList());
        return ResponseEntity.accepted().body(answer);
    }

    @Operation(
            operationId = "sendWebhookTest",
            summary = "Send a test event to an endpoint",
            description = "Sends a `webhook.test` event to the endpoint. Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "503", description = "The broker did not take the event; retry")
    @PostMapping("/test")
    ResponseEntity<Map<String, Object>> test(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        String organization = ownEndpoint(caller, id);
        Instant now = clock.instant();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("endpointId", id.toString());
        data.put("message", "A test event from Mailroom");
        data.put("requestedBy", caller.name());
        Notification test =
                new Notification(UUID.randomUUID(), organization, NotificationTypes.WEBHOOK_TEST, now, data, id);
        publish(List.of(test));
        return ResponseEntity.accepted().body(Map.of("endpointId", id, "eventId", test.webhookId()));
    }

    private void publish(List<Notification> notifications) {
        List<NotificationBatch> batches = new ArrayList<>();
        for (int from = 0; from < notifications.size(); from += 500) {
            batches.add(new NotificationBatch(notifications.subList(from, Math.min(notifications.size(), from + 500))));
        }
        if (!batches.isEmpty()) {
            publisher.publishAll(batches);
        }
    }

    /** The same event again, to this endpoint only: its id from its webhook-id, its data from the payload kept. */
    @SuppressWarnings("unchecked")
    private static Notification replayOf(WebhookDeliveryQueries.Delivery d, String organization, UUID endpoint) {
        String hex = d.eventId().substring("msg_".length());
        UUID eventId = UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16)
                + "-" + hex.substring(16, 20) + "-" + hex.substring(20));
        Object data = d.payload().get("data");
        return new Notification(
                eventId,
                organization,
                d.eventType(),
                d.occurredAt(),
                data instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of(),
                endpoint);
    }

    /** The endpoint's organization, when it is the caller's; else not found (never forbidden: ids reveal nothing). */
    private String ownEndpoint(Caller caller, UUID id) {
        return queries.organizationOf(id)
                .filter(org -> org.equals(caller.organizationId()))
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no webhook endpoint " + id + " in your organization"));
    }

    private static void storable(List<Violation> problems, String field, Instant at) {
        if (at != null && !QueryParameters.isStorable(at)) {
            problems.add(new Violation(
                    field, "must be between " + QueryParameters.EARLIEST + " and " + QueryParameters.LATEST));
        }
    }

    private static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException(List.of(new Violation(field, message)));
    }
}
