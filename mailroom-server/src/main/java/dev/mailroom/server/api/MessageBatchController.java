package dev.mailroom.server.api;

import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.InputLimits;
import dev.mailroom.server.Role;
import dev.mailroom.server.api.MessageBatchController.BatchResult.ItemResult;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/v1/messages/batch}: up to {@value #MAX_ITEMS} emails in one request, each the body of
 * {@code POST /api/v1/messages} and checked by the same rules ({@link SubmissionRules}), accepted through
 * the same door ({@link SubmissionPublisher#submitAll}).
 *
 * <p>A readable batch is answered 207 (Multi-Status) with one result per item, in order: 202 with the
 * email's id, or the item's own status and problem (400 for an item that is not an email at all, 422 for
 * one that breaks a rule, and whatever {@code submitAll} refuses with). Valid items are accepted even
 * when others are not. What concerns the whole request (an unreadable body, no {@code messages} list, an
 * empty one or more than {@value #MAX_ITEMS} items, a bad Idempotency-Key, the key reused with another
 * batch) is one problem+json as for a single email, and nothing is accepted.
 *
 * <p>With an {@code Idempotency-Key}, item {@code i} is submitted under the key {@code <key>#<i>} with a
 * request hash of the whole batch and {@code i} ({@link IdempotencyKeys#itemKey}, {@link
 * IdempotencyKeys#itemHash}): the same batch sent again answers the same ids (each as it is now, nothing
 * published for an item already recorded), another batch under the key is 409, and the operator's key rows
 * keep a retry that races the first attempt to one message per item.
 */
@RestController
@ConditionalOnRole(Role.API)
@Tag(name = "Messages")
class MessageBatchController {
    static final String PATH = "/api/v1/messages/batch";
    static final int MAX_ITEMS = 500;
    /** A batch key leaves room for {@code #<index>} within the longest key a key row holds. */
    static final int MAX_BATCH_KEY = SubmissionRules.MAX_IDEMPOTENCY_KEY - ("#" + (MAX_ITEMS - 1)).length();

    private final SubmissionPublisher submissions;
    private final SubmissionRules rules;
    private final IdempotencyKeys idempotencyKeys;
    private final Clock clock;
    /** Spring's JSON settings, with a batch's read limits ({@link RequestJson#batchConstraints}). */
    private final JsonMapper json;

    MessageBatchController(
            SubmissionPublisher submissions,
            SubmissionRules rules,
            IdempotencyKeys idempotencyKeys,
            Clock clock,
            InputLimits limits,
            List<JsonMapperBuilderCustomizer> customizers) {
        this.submissions = submissions;
        this.rules = rules;
        this.idempotencyKeys = idempotencyKeys;
        this.clock = clock;
        this.json = RequestJson.builder(customizers, RequestJson.batchConstraints(limits))
                .build();
    }

    /**
     * The answer to a readable batch.
     *
     * @param results  one per item, in the batch's order
     * @param accepted items answered 202
     * @param rejected the others
     */
    record BatchResult(List<ItemResult> results, int accepted, int rejected) {
        /**
         * @param index         the item's place in {@code messages}, from 0
         * @param status        the item's HTTP status: 202 when accepted
         * @param id            the email's id (accepted items)
         * @param location      where the email is read (accepted items)
         * @param messageStatus the email's status: SUBMITTED, or its current one when an Idempotency-Key
         *                      named it already (accepted items)
         * @param replayed      true when an Idempotency-Key named it already and nothing was published
         * @param title         the problem's title (refused items)
         * @param detail        the problem's detail (refused items)
         * @param errors        the fields at fault, relative to the item (refused items)
         */
        record ItemResult(
                int index,
                int status,
                UUID id,
                String location,
                String messageStatus,
                Boolean replayed,
                String title,
                String detail,
                List<Map<String, String>> errors) {}
    }

    @Operation(
            operationId = "submitMessageBatch",
            summary = "Submit up to a batch of emails in one request",
            description =
                    "Submits up to 500 emails, each checked by the rules of `submitMessage`. A readable batch answers 207 with one result per item, in order: valid items are accepted even when others are refused, so check each item's `status`. A problem with the whole request (no or too many `messages`, unreadable JSON, a bad `Idempotency-Key`, a body over `mailroom.limits.max-batch-body`) is one problem+json and accepts nothing. The `Idempotency-Key` covers the whole batch. Scope `send`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "409", description = "The Idempotency-Key was used for a different batch")
    @ApiResponse(
            responseCode = "503",
            description = "The broker did not confirm the emails; retry with the same Idempotency-Key")
    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<BatchResult> submitBatch(
            @AuthenticationPrincipal Caller caller,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody byte[] body,
            HttpServletRequest servletRequest) {
        Instant now = clock.instant();
        List<JsonNode> items = items(read(body, servletRequest), idempotencyKey);

        // Each item read and checked on its own: one bad item never spoils the others.
        int count = items.size();
        SubmissionRequest[] requests = new SubmissionRequest[count];
        ItemResult[] results = new ItemResult[count];
        for (int i = 0; i < count; i++) {
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                results[i] = refused(
                        i,
                        400,
                        "Unreadable body",
                        List.of(new Violation("messages[" + i + "]", "must be an email object")));
                continue;
            }
            try {
                requests[i] = json.treeToValue(item, SubmissionRequest.class);
            } catch (JacksonException e) {
                String field = ApiExceptionHandler.fieldOf(e);
                results[i] = refused(
                        i, 400, "Unreadable body", List.of(new Violation(field, ApiExceptionHandler.explain(e))));
                continue;
            }
            List<Violation> problems = rules.check(requests[i], now);
            if (!problems.isEmpty()) {
                results[i] = refused(i, 422, InvalidRequestException.INVALID_EMAIL, problems);
            }
        }

        String batchHash = idempotencyKey == null ? null : batchHash(requests);
        List<IdempotencyKeys.Decision> decisions = batchHash == null
                ? null
                : idempotencyKeys.decideBatch(
                        caller.organizationId(), idempotencyKey, batchHash, readable(requests), now);
        List<Integer> toSubmit = new ArrayList<>();
        List<SubmitMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            IdempotencyKeys.Decision decision = decisions == null ? null : decisions.get(i);
            if (decision instanceof IdempotencyKeys.Replay replay) {
                // Recorded already under its item key: answered as it is now, whatever today's rules say.
                results[i] = accepted(i, replay.messageId(), replay.status(), true);
            } else if (results[i] == null) {
                toSubmit.add(i);
                messages.add(
                        decision == null
                                ? new SubmitMessage(
                                        UUID.randomUUID(),
                                        caller.organizationId(),
                                        now,
                                        requests[i].email(),
                                        requests[i].sendAt(),
                                        requests[i].provider())
                                : new SubmitMessage(
                                        decision.messageId(),
                                        caller.organizationId(),
                                        now,
                                        requests[i].email(),
                                        requests[i].sendAt(),
                                        requests[i].provider(),
                                        IdempotencyKeys.itemKey(idempotencyKey, i),
                                        IdempotencyKeys.itemHash(batchHash, i)));
            }
        }
        SubmissionPublisher.Submissions submitted = submissions.submitAll(caller, messages);
        List<SubmissionOutcome> outcomes = submitted.outcomes();
        for (int n = 0; n < toSubmit.size(); n++) {
            int i = toSubmit.get(n);
            SubmissionOutcome outcome = outcomes.get(n);
            results[i] = outcome.isAccepted()
                    ? accepted(i, outcome.id(), MessageStatus.SUBMITTED.name(), null)
                    : new ItemResult(
                            i,
                            outcome.status(),
                            null,
                            null,
                            null,
                            null,
                            outcome.title(),
                            outcome.detail(),
                            errors(outcome.errors()));
        }
        int accepted = 0;
        boolean allReplayed = true;
        for (ItemResult result : results) {
            if (result.status() == SubmissionOutcome.ACCEPTED) {
                accepted++;
                allReplayed &= Boolean.TRUE.equals(result.replayed());
            }
        }
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.MULTI_STATUS);
        if (submitted.grant() != null) {
            answer.headers(SendLimitHeaders.of(submitted.grant().usage(), now));
            if (!submitted.grant().all()) {
                answer.header(HttpHeaders.RETRY_AFTER, SendLimitHeaders.retryAfter(submitted.grant(), now));
            }
        }
        if (accepted > 0 && allReplayed) {
            // As for a single email: every accepted item is one an Idempotency-Key named already.
            answer.header(MessagesController.IDEMPOTENT_REPLAYED, "true");
        }
        return answer.body(new BatchResult(List.of(results), accepted, count - accepted));
    }

    private JsonNode read(byte[] body, HttpServletRequest servletRequest) {
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            // Answered as any unreadable body is (ApiExceptionHandler): 400 naming the field where there is one.
            throw new HttpMessageNotReadableException(
                    "the batch is not valid JSON: " + e.getOriginalMessage(),
                    e,
                    new ServletServerHttpRequest(servletRequest));
        }
    }

    /** The batch's items; what is wrong with the request as a whole is refused here, before anything is done. */
    private static List<JsonNode> items(JsonNode root, String idempotencyKey) {
        List<Violation> problems = new ArrayList<>();
        Violation keyProblem = SubmissionRules.idempotencyKeyProblem(idempotencyKey, MAX_BATCH_KEY);
        if (keyProblem != null) {
            problems.add(keyProblem);
        }
        JsonNode messages = root == null ? null : root.get("messages");
        if (root == null || !root.isObject()) {
            problems.add(new Violation("messages", "the body must be an object {\"messages\": [ ... ]}"));
        } else if (messages == null || messages.isNull()) {
            problems.add(new Violation("messages", "is required: a list of 1-" + MAX_ITEMS + " emails"));
        } else if (!messages.isArray()) {
            problems.add(new Violation("messages", "must be a list of 1-" + MAX_ITEMS + " emails"));
        } else if (messages.isEmpty()) {
            problems.add(new Violation("messages", "must hold at least one email"));
        } else if (messages.size() > MAX_ITEMS) {
            problems.add(new Violation(
                    "messages",
                    "holds " + messages.size() + " emails; a batch takes at most " + MAX_ITEMS
                            + ": send the rest in another batch"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        List<JsonNode> items = new ArrayList<>(messages.size());
        messages.forEach(items::add);
        return items;
    }

    private static List<Boolean> readable(SubmissionRequest[] requests) {
        List<Boolean> readable = new ArrayList<>(requests.length);
        for (SubmissionRequest request : requests) {
            readable.add(request != null);
        }
        return readable;
    }

    private static String batchHash(SubmissionRequest[] requests) {
        List<String> hashes = new ArrayList<>(requests.length);
        for (SubmissionRequest request : requests) {
            hashes.add(request == null ? "-" : IdempotencyKeys.requestHash(request));
        }
        return IdempotencyKeys.batchHash(hashes);
    }

    private static ItemResult accepted(int index, UUID id, String messageStatus, Boolean replayed) {
        return new ItemResult(
                index,
                SubmissionOutcome.ACCEPTED,
                id,
                "/api/v1/messages/" + id,
                messageStatus,
                replayed,
                null,
                null,
                null);
    }

    private static ItemResult refused(int index, int status, String title, List<Violation> problems) {
        String detail = problems.size() == 1
                ? (problems.get(0).field().isEmpty() ? "" : problems.get(0).field() + ": ")
                        + problems.get(0).message()
                : problems.size() + " problems with this email; see errors";
        return new ItemResult(index, status, null, null, null, null, title, detail, errors(problems));
    }

    private static List<Map<String, String>> errors(List<Violation> problems) {
        return problems.isEmpty()
                ? null
                : problems.stream()
                        .map(v -> Map.of("field", v.field(), "message", v.message()))
                        .toList();
    }
}
