package dev.mailroom.server.api;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MapSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.List;
import java.util.Map;

/**
 * The shapes of requests and answers that handlers read or write without a Java type springdoc can see
 * (a raw body, a {@code Map} built by hand), by operationId. A handler that changes such a shape changes
 * it here too; OpenApiProbeTest and the clients' tests against the running server catch a mismatch.
 */
final class OpenApiShapes {
    private OpenApiShapes() {}

    /**
     * What the fields of the main schemas mean. Several come from mailroom-contracts (Email, Address,
     * Recipient, Attachment: the queue's records, without any OpenAPI dependency), so they are described
     * here rather than on the records.
     */
    static final Map<String, Map<String, String>> FIELDS = Map.of(
            "SubmissionRequest",
            Map.ofEntries(
                    Map.entry("from", "The sender; its domain must be one the provider may send for"),
                    Map.entry("to", "Recipients (at least one of to, cc, bcc); each may name a memberId"),
                    Map.entry("cc", "Carbon-copy recipients"),
                    Map.entry("bcc", "Blind carbon-copy recipients"),
                    Map.entry("replyTo", "Where replies go"),
                    Map.entry("subject", "The subject line"),
                    Map.entry("text", "The plain-text body (text or html, or both)"),
                    Map.entry("html", "The HTML body"),
                    Map.entry("headers", "Extra headers (X-…); Mailroom sets the standard ones"),
                    Map.entry("tags", "Labels to filter messages by (listMessages ?tag=)"),
                    Map.entry("metadata", "Your own key/values, kept with the message and sent in webhooks"),
                    Map.entry("attachments", "Files: filename, contentType, base64 content"),
                    Map.entry(
                            "bulk",
                            "true for bulk mail (newsletters, marketing): a one-click unsubscribe link is added;"
                                    + " exactly one to and no cc/bcc"),
                    Map.entry("sendAt", "When to send (ISO-8601 instant); absent or past: now"),
                    Map.entry("provider", "The provider to send through; absent: the default provider")),
            "Submitted",
            Map.of(
                    "id", "The message's id",
                    "status", "Its status: SUBMITTED, or its current one when an Idempotency-Key named it already",
                    "location", "Where to read it (getMessage)"),
            "MessageDetail",
            Map.ofEntries(
                    Map.entry("id", "The message's id"),
                    Map.entry("status", "The summary: the most advanced status of its recipients"),
                    Map.entry("from", "The sender as written in the email"),
                    Map.entry("recipients", "Each recipient with its own status and activities"),
                    Map.entry("attempts", "How many times it was handed to a provider"),
                    Map.entry("sendAt", "When it is scheduled to be sent (scheduled messages)"),
                    Map.entry("submittedAt", "When the API took it"),
                    Map.entry("provider", "The provider that sent it"),
                    Map.entry("providerMessageId", "The provider's id of it"),
                    Map.entry("activities", "The timeline, in time order"),
                    Map.entry("recipientCounts", "How many recipients are at each status")),
            "RecipientView",
            Map.of(
                    "kind", "to, cc or bcc",
                    "status", "This recipient's own status",
                    "memberId", "Your application's id of the person, as submitted",
                    "activities", "The activities concerning this recipient (message detail only)"),
            "ActivityView",
            Map.of(
                    "status",
                    "The status the message (or recipient) reached",
                    "occurredAt",
                    "When",
                    "recipient",
                    "The recipient it concerns; absent: the whole message",
                    "providerEvent",
                    "The provider's name of the event",
                    "details",
                    "What else is known (bounce reply, schedule, who retried...)",
                    "traceId",
                    "The W3C trace id of the email's trace (32 hex digits), the same on each of its activities; absent"
                            + " for activities recorded before tracing"),
            "MemberSummary",
            Map.of(
                    "memberId", "Your application's id of the person",
                    "emails", "Every address they were sent to, most recently used first",
                    "messages", "How many emails they received",
                    "statuses", "How many of those are at each status (their own recipient status)",
                    "lastMessage", "Their newest email"),
            "Page",
            Map.of("nextCursor", "Pass as ?cursor= for the next page; null on the last"),
            "MemberPage",
            Map.of("nextCursor", "Pass as ?cursor= for the next page; null on the last"),
            "SuppressionPage",
            Map.of("nextCursor", "Pass as ?cursor= for the next page; null on the last"));

    /** The erasure routes' schemas (a map of their own: {@code Map.of} takes at most ten entries). */
    static final Map<String, Map<String, String>> ERASURE_FIELDS = Map.of(
            "Requested",
            Map.of(
                    "id", "The erasure's id",
                    "state", "requested",
                    "location", "Where to follow it (getErasure)"),
            "Erasure",
            Map.of(
                    "id", "The erasure's id",
                    "state", "requested (being carried out) or done",
                    "requestedAt", "When it was asked for",
                    "requestedBy", "Who asked: a key's prefix, or user:<id> for a signed-in person",
                    "completedAt", "When it was done; absent until then",
                    "counts",
                            "Rows changed per table (rows kept with the address replaced, and rows deleted); never the"
                                    + " address"),
            "ErasurePage",
            Map.of("nextCursor", "Pass as ?cursor= for the next page; null on the last"));

    /** The retention routes' schemas. */
    static final Map<String, Map<String, String>> RETENTION_FIELDS = Map.of(
            "RetentionView",
            Map.of(
                    "organizationId", "The caller's organization",
                    "contentDays", "Days an email keeps its content (bodies, attachments, metadata); default 30",
                    "historyDays",
                            "Days an email is kept at all (recipients, tags, timeline; then gone from every listing);"
                                    + " default 400"),
            "RetentionChange",
            Map.of(
                    "contentDays", "Days an email keeps its content: 1 to 3650, at most historyDays",
                    "historyDays", "Days an email is kept at all: 1 to 3650"));

    /** The overview's schemas (getOverview): what each figure counts and each rate divides. */
    static final Map<String, Map<String, String>> OVERVIEW_FIELDS = Map.of(
            "Overview",
            Map.of(
                    "days", "How many UTC days the window has, today included",
                    "since", "Midnight UTC of the window's first day",
                    "until", "Midnight UTC after today: the window's end, excluded",
                    "totals", "The window's emails, by what became of them",
                    "rates", "Rates between the totals",
                    "statuses", "How many of the window's emails are at each status (none: left out)",
                    "daily", "Every day of the window, oldest first, days without emails included"),
            "OverviewDay",
            Map.of("day", "The UTC day (YYYY-MM-DD) the emails were stored", "figures", "That day's emails"),
            "OverviewFigures",
            Map.ofEntries(
                    Map.entry("sent", "Every email stored, whatever became of it"),
                    Map.entry("inFlight", "ACCEPTED, QUEUED, DEFERRED or DISPATCHED: not done with yet"),
                    Map.entry("scheduled", "SCHEDULED: waiting for their send time (or a send limit)"),
                    Map.entry(
                            "delivered", "Reached the mailbox: DELIVERED, OPENED, CLICKED, UNSUBSCRIBED or COMPLAINED"),
                    Map.entry("opened", "OPENED or CLICKED (part of delivered)"),
                    Map.entry("clicked", "CLICKED (part of opened)"),
                    Map.entry("bounced", "BOUNCED"),
                    Map.entry("complained", "COMPLAINED: marked as spam (part of delivered)"),
                    Map.entry("unsubscribed", "UNSUBSCRIBED (part of delivered)"),
                    Map.entry("failed", "FAILED (Mailroom gave up) or DROPPED (the provider refused it)"),
                    Map.entry("suppressed", "SUPPRESSED: every recipient on the suppression list, not sent"),
                    Map.entry("canceled", "CANCELED before their send time")),
            "OverviewRates",
            Map.of(
                    "delivered", "delivered / sent",
                    "opened", "opened / delivered",
                    "clicked", "clicked / delivered",
                    "bounced", "bounced / sent",
                    "complained", "complained / delivered",
                    "failed", "failed / sent"));

    /** Describes the fields of {@link #FIELDS}; a field that is gone fails loudly, not silently. */
    @SuppressWarnings("rawtypes")
    static void describeFields(Map<String, Schema> schemas) {
        Map<String, Map<String, String>> all = new java.util.LinkedHashMap<>(FIELDS);
        all.putAll(ERASURE_FIELDS);
        all.putAll(RETENTION_FIELDS);

        all.putAll(OVERVIEW_FIELDS);
        all.forEach((schema, fields) -> fields.forEach((field, description) -> {
            Schema<?> property = (Schema<?>) schemas.get(schema).getProperties().get(field);
            if (property == null) {
                throw new IllegalStateException("no field " + field + " in schema " + schema);
            }
            property.setDescription(description);
        }));
    }

    static void apply(Operation operation) {
        String id = operation.getOperationId();
        switch (id) {
            case "submitMessageBatch" ->
                body(
                        operation,
                        new ObjectSchema()
                                .addProperty(
                                        "messages",
                                        new ArraySchema()
                                                .items(ref("SubmissionRequest"))
                                                .minItems(1)
                                                .maxItems(500)
                                                .description("The emails, each the body of submitMessage"))
                                .required(List.of("messages")));
            case "rescheduleMessage" ->
                body(
                        operation,
                        new ObjectSchema()
                                .addProperty(
                                        "sendAt",
                                        dateTime("The new send time; a past or present one sends the email now"))
                                .required(List.of("sendAt")));
            case "eraseRecipient" ->
                body(
                        operation,
                        new ObjectSchema()
                                .addProperty(
                                        "email",
                                        new StringSchema()
                                                .format("email")
                                                .description("The address to erase, in any spelling (compared in"
                                                        + " lower case)"))
                                .required(List.of("email")));
            case "addSuppression" ->
                body(
                        operation,
                        new ObjectSchema()
                                .addProperty("email", new StringSchema().description("The address to suppress"))
                                .addProperty(
                                        "reason",
                                        new StringSchema()
                                                ._enum(List.of(
                                                        "hard-bounce",
                                                        "complaint",
                                                        "unsubscribe",
                                                        "soft-bounces",
                                                        "provider",
                                                        "manual"))
                                                .description("Why; default manual"))
                                .addProperty("note", new StringSchema().description("The administrator's note"))
                                .required(List.of("email")));
            case "importSuppressions" ->
                operation.setRequestBody(new RequestBody()
                        .required(true)
                        .description("CSV with the header `email[,reason][,note]`; an export imports as it is")
                        .content(new Content().addMediaType("text/csv", new MediaType().schema(new StringSchema()))));
            case "exportSuppressions" ->
                answer(
                        operation,
                        "200",
                        "text/csv",
                        new StringSchema().description("email,reason,created_at,source_message_id,note"));
            case "listKeys", "listPlatformKeys" -> items(operation, "200", ref("KeyView"));
            case "listOrganizations" -> items(operation, "200", ref("OrganizationView"));
            case "listUsers" -> items(operation, "200", ref("MemberView"));
            case "listWebhookEndpoints" -> items(operation, "200", ref("EndpointView"));
            case "listDeadLetters" ->
                items(
                        operation,
                        "200",
                        new ObjectSchema()
                                .addProperty("id", uuid("The dead letter's id"))
                                .addProperty("queue", new StringSchema().description("The queue it came from"))
                                .addProperty("type", new StringSchema().description("The queue message's type"))
                                .addProperty("messageId", new StringSchema().description("The queue message's id"))
                                .addProperty("reason", new StringSchema().description("Why it was dead-lettered"))
                                .addProperty("createdAt", dateTime("When it was dead-lettered"))
                                .addProperty("bodyPreview", new StringSchema().description("The body's beginning")));
            case "replayDeadLetter", "discardDeadLetter" ->
                answer(
                        operation,
                        "202",
                        "application/json",
                        new ObjectSchema()
                                .addProperty("id", uuid("The dead letter"))
                                .addProperty("action", new StringSchema()._enum(List.of("REPLAY", "DISCARD"))));
            case "listPlans" ->
                answer(
                        operation,
                        "200",
                        "application/json",
                        new ObjectSchema()
                                .addProperty(
                                        "defaultPlan", new StringSchema().description("The plan of a new organization"))
                                .addProperty(
                                        "plans",
                                        new MapSchema()
                                                .additionalProperties(
                                                        new MapSchema().additionalProperties(new IntegerSchema()))
                                                .description("Per plan, each window's limit (absent: none)")));
            case "getSettings" ->
                answer(
                        operation,
                        "200",
                        "application/json",
                        new ObjectSchema()
                                .addProperty(
                                        "defaultProvider", new StringSchema().description("For messages naming none"))
                                .addProperty("failover", strings("The providers that take over, in order"))
                                .addProperty("providers", strings("The providers this Mailroom runs")));
            case "setDefaultProvider" ->
                answer(
                        operation,
                        "202",
                        "application/json",
                        new ObjectSchema().addProperty("defaultProvider", new StringSchema()));
            case "setFailover" ->
                answer(operation, "202", "application/json", new ObjectSchema().addProperty("failover", strings(null)));
            case "getSignInOptions" ->
                answer(
                        operation,
                        "200",
                        "application/json",
                        new ObjectSchema()
                                .addProperty("password", new BooleanSchema().description("Sign-in with a password"))
                                .addProperty(
                                        "singleSignOn",
                                        new ArraySchema()
                                                .items(new ObjectSchema())
                                                .description("The single sign-on providers")));
            case "listWebhookDeliveries" -> answer(operation, "200", "application/json", deliveries());
            case "replayWebhookEvents" ->
                answer(
                        operation,
                        "202",
                        "application/json",
                        new ObjectSchema()
                                .addProperty("endpointId", uuid(null))
                                .addProperty("replayed", new IntegerSchema().description("How many events")));
            case "sendWebhookTest" ->
                answer(
                        operation,
                        "202",
                        "application/json",
                        new ObjectSchema()
                                .addProperty("endpointId", uuid(null))
                                .addProperty("eventId", new StringSchema().description("The test event's webhook-id")));
            default -> {}
        }
    }

    private static Schema<?> deliveries() {
        Schema<?> attempt = new ObjectSchema()
                .addProperty("attempt", new IntegerSchema())
                .addProperty("attemptedAt", dateTime(null))
                .addProperty("statusCode", new IntegerSchema().description("The endpoint's status; absent: none"))
                .addProperty("latencyMs", new IntegerSchema())
                .addProperty("responseExcerpt", new StringSchema())
                .addProperty("error", new StringSchema());
        Schema<?> delivery = new ObjectSchema()
                .addProperty("id", uuid(null))
                .addProperty("eventId", new StringSchema().description("The webhook-id"))
                .addProperty("eventType", new StringSchema())
                .addProperty("occurredAt", dateTime(null))
                .addProperty("state", new StringSchema()._enum(List.of("pending", "delivered", "failed")))
                .addProperty("attemptCount", new IntegerSchema())
                .addProperty("nextAttemptAt", dateTime(null))
                .addProperty("lastAttemptAt", dateTime(null))
                .addProperty("lastStatus", new IntegerSchema())
                .addProperty("createdAt", dateTime(null))
                .addProperty("payload", new ObjectSchema().description("The event as delivered"))
                .addProperty("attempts", new ArraySchema().items(attempt));
        return new ObjectSchema()
                .addProperty("endpointId", uuid(null))
                .addProperty("organizationId", new StringSchema())
                .addProperty("items", new ArraySchema().items(delivery))
                .addProperty("nextCursor", new StringSchema().description("The next page; absent on the last"));
    }

    private static void body(Operation operation, Schema<?> schema) {
        operation.setRequestBody(new RequestBody()
                .required(true)
                .content(new Content().addMediaType("application/json", new MediaType().schema(schema))));
    }

    private static void items(Operation operation, String code, Schema<?> item) {
        answer(
                operation,
                code,
                "application/json",
                new ObjectSchema()
                        .addProperty("items", new ArraySchema().items(item))
                        .required(List.of("items")));
    }

    private static void answer(Operation operation, String code, String mediaType, Schema<?> schema) {
        ApiResponse response = operation.getResponses().get(code);
        if (response == null) {
            response = new ApiResponse().description("OK");
            operation.getResponses().addApiResponse(code, response);
        }
        response.setContent(new Content().addMediaType(mediaType, new MediaType().schema(schema)));
    }

    private static Schema<?> ref(String name) {
        return new Schema<>().$ref("#/components/schemas/" + name);
    }

    private static Schema<?> uuid(String description) {
        return new StringSchema().format("uuid").description(description);
    }

    private static Schema<?> dateTime(String description) {
        return new StringSchema().format("date-time").description(description);
    }

    private static Schema<?> strings(String description) {
        return new ArraySchema().items(new StringSchema()).description(description);
    }
}
