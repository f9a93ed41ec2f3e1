package dev.mailroom.server.api;

import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.MessageDecision;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.InputLimits;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.SendAllowance;
import dev.mailroom.server.api.MessageViews.MessageDetail;
import dev.mailroom.server.api.MessageViews.Page;
import dev.mailroom.server.api.MessageViews.Submitted;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The messages API of the Contract. Submissions go to the mailbox; reads come from the database. */
@RestController
@RequestMapping("/api/v1/messages")
@ConditionalOnRole(Role.API)
@Tag(name = "Messages")
class MessagesController {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;
    /** Set on the answer to a request with an Idempotency-Key that names a recorded message (as Stripe does). */
    static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

    private final SubmissionPublisher submissions;
    private final MessageQueries queries;
    private final SubmissionRules rules;
    private final Clock clock;
    private final IdempotencyKeys idempotencyKeys;
    private final OperatorRequests operator;
    private final InputLimits limits;

    MessagesController(
            SubmissionPublisher submissions,
            MessageQueries queries,
            SubmissionRules rules,
            Clock clock,
            InputLimits limits,
            IdempotencyKeys idempotencyKeys,
            OperatorRequests operator) {
        this.operator = operator;
        this.limits = limits;
        this.idempotencyKeys = idempotencyKeys;
        this.submissions = submissions;
        this.rules = rules;
        this.queries = queries;
        this.clock = clock;
    }

    @Operation(
            operationId = "submitMessage",
            summary = "Submit an email",
            description =
                    "Puts an email in the mailbox and answers its id at once; the email is then recorded, scheduled or dispatched, and its timeline grows (`getMessage`). With an `Idempotency-Key`, the same request again answers the same id and nothing is sent twice. Scope `send`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "409", description = "The Idempotency-Key was used for a different request")
    @ApiResponse(
            responseCode = "429",
            description = "A send limit of the organization is reached; `Retry-After` says when there is room")
    @ApiResponse(
            responseCode = "503",
            description = "The broker did not confirm the email; retry with the same Idempotency-Key")
    @PostMapping
    ResponseEntity<Submitted> submit(
            @AuthenticationPrincipal Caller caller,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody SubmissionRequest request) {
        Instant now = clock.instant();
        List<Violation> problems = new ArrayList<>(rules.check(request, now));
        Violation keyProblem =
                SubmissionRules.idempotencyKeyProblem(idempotencyKey, SubmissionRules.MAX_IDEMPOTENCY_KEY);
        if (keyProblem != null) {
            problems.add(keyProblem);
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(InvalidRequestException.INVALID_EMAIL, problems);
        }
        if (idempotencyKey == null) {
            return submitted(submit(
                    caller,
                    new SubmitMessage(
                            UUID.randomUUID(),
                            caller.organizationId(),
                            now,
                            request.email(),
                            request.sendAt(),
                            request.provider())));
        }
        // Within its window the key names one message: the same request answers it as it is now (and is not
        // published again), another request is 409. See IdempotencyKeys.
        String requestHash = IdempotencyKeys.requestHash(request);
        IdempotencyKeys.Decision decision =
                idempotencyKeys.decide(caller.organizationId(), idempotencyKey, requestHash, now);
        if (decision instanceof IdempotencyKeys.Replay replay) {
            return ResponseEntity.accepted()
                    .location(URI.create("/api/v1/messages/" + replay.messageId()))
                    .header(IDEMPOTENT_REPLAYED, "true")
                    .body(new Submitted(replay.messageId(), replay.status(), "/api/v1/messages/" + replay.messageId()));
        }
        return submitted(submit(
                caller,
                new SubmitMessage(
                        decision.messageId(),
                        caller.organizationId(),
                        now,
                        request.email(),
                        request.sendAt(),
                        request.provider(),
                        idempotencyKey,
                        requestHash)));
    }

    private record Taken(UUID id, SendAllowance.Usage usage) {}

    /** Hands the submission in (send limits: 429 when over), the way a batch's items are. */
    private Taken submit(Caller caller, SubmitMessage message) {
        SubmissionPublisher.Submissions submitted = submissions.submitAll(caller, List.of(message));
        SubmissionOutcome outcome = submitted.outcomes().get(0);
        if (outcome.status() == 429) {
            throw new SendLimitReachedException(submitted.grant());
        }
        if (!outcome.isAccepted()) {
            throw new SubmissionRefusedException(outcome);
        }
        return new Taken(message.id(), submitted.grant().usage());
    }

    private ResponseEntity<Submitted> submitted(Taken taken) {
        UUID id = taken.id();
        URI location = URI.create("/api/v1/messages/" + id);
        return ResponseEntity.accepted()
                .headers(SendLimitHeaders.of(taken.usage(), clock.instant()))
                .location(location)
                .body(new Submitted(id, MessageStatus.SUBMITTED.name(), location.toString()));
    }

    @Operation(
            operationId = "getMessage",
            summary = "Get a message and its timeline",
            description =
                    "The message, its recipients (each with its own `status` and `activities`), `recipientCounts` and the whole timeline in time order. The message's `status` is a summary: the most advanced status of its recipients. Scope `read`.")
    @GetMapping("/{id}")
    ResponseEntity<MessageDetail> get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return queries.find(caller.organizationId(), id)
                .map(ResponseEntity::ok)
                .orElseThrow(() -> new MessageNotFoundException(id));
    }

    /**
     * Cancels a scheduled message. The operator decides (see {@link OperatorRequests}): 202 means the
     * email is canceled and will not be sent; 409 names the status that stopped it; already CANCELED
     * is 200.
     */
    @Operation(
            operationId = "cancelMessage",
            summary = "Cancel a scheduled message",
            description =
                    "Cancels a SCHEDULED message. The operator decides under the lock with which it releases due emails: 202 with status CANCELED means it will not be sent; 409 names the status that stopped it; 200 when it was canceled already. Scope `send`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "409", description = "Not SCHEDULED any more; `messageStatus` says what it is")
    @ApiResponse(
            responseCode = "503",
            description =
                    "The operator did not decide in time (`Retry-After`); the request never takes effect later, so retrying is safe")
    @PostMapping("/{id}/cancel")
    ResponseEntity<Submitted> cancel(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        MessageDetail message =
                queries.find(caller.organizationId(), id).orElseThrow(() -> new MessageNotFoundException(id));
        if (MessageStatus.CANCELED.name().equals(message.status())) {
            return ResponseEntity.ok(new Submitted(id, message.status(), "/api/v1/messages/" + id));
        }
        MessageDecision decision = decided(id, operator.cancel(caller, id));
        if (MessageDecision.DONE.equals(decision.outcome())) {
            return ResponseEntity.accepted().body(new Submitted(id, decision.status(), "/api/v1/messages/" + id));
        }
        if (MessageStatus.CANCELED.name().equals(decision.status())) {
            // Canceled by another request meanwhile: as if it had been canceled before this one.
            return ResponseEntity.ok(new Submitted(id, decision.status(), "/api/v1/messages/" + id));
        }
        throw new WrongStatusException(id, decision.status(), "only a SCHEDULED message can be canceled");
    }

    /**
     * Changes a scheduled message's send time: {@code {"sendAt": "<instant>"}}, nothing else; a past
     * or present time means "send now". Decided by the operator like a cancel; answers the message.
     */
    @Operation(
            operationId = "rescheduleMessage",
            summary = "Reschedule a scheduled message",
            description =
                    "Moves a SCHEDULED message to a new `sendAt` (a past or present time sends it now). Only `sendAt` may change. Scope `send`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "409", description = "Not SCHEDULED any more; `messageStatus` says what it is")
    @ApiResponse(
            responseCode = "503",
            description = "The operator did not decide in time (`Retry-After`); retrying is safe")
    @PatchMapping("/{id}")
    ResponseEntity<MessageDetail> reschedule(
            @AuthenticationPrincipal Caller caller, @PathVariable UUID id, @RequestBody Map<String, Object> body) {
        queries.find(caller.organizationId(), id).orElseThrow(() -> new MessageNotFoundException(id));
        Instant sendAt = rescheduleSendAt(body, clock.instant());
        MessageDecision decision = decided(id, operator.reschedule(caller, id, sendAt));
        if (!MessageDecision.DONE.equals(decision.outcome())) {
            throw new WrongStatusException(id, decision.status(), "only a SCHEDULED message can be rescheduled");
        }
        return ResponseEntity.ok(
                queries.find(caller.organizationId(), id).orElseThrow(() -> new MessageNotFoundException(id)));
    }

    /** The one field a reschedule may set, checked as a submission's {@code sendAt} is. */
    private Instant rescheduleSendAt(Map<String, Object> body, Instant now) {
        List<Violation> problems = new ArrayList<>();
        if (body == null) {
            body = Map.of();
        }
        body.keySet().stream()
                .filter(field -> !"sendAt".equals(field))
                .sorted()
                .forEach(field ->
                        problems.add(new Violation(field, "cannot be changed; a PATCH of a message sets only sendAt")));
        Object value = body.get("sendAt");
        Instant sendAt = null;
        if (value == null) {
            problems.add(new Violation("sendAt", "is required (an ISO-8601 instant; a past one means: send now)"));
        } else {
            sendAt = value instanceof String text ? instantOrNull(text) : null;
            if (sendAt == null) {
                problems.add(new Violation(
                        "sendAt", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z; got " + value));
            } else {
                problems.addAll(EmailRules.checkSendAt(sendAt, now, limits.maxScheduleAhead()));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return sendAt;
    }

    private static Instant instantOrNull(String text) {
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Dispatches a FAILED message again (admin scope): the operator starts a new attempt, the status goes
     * back to QUEUED and the timeline says who retried. 409 for any other status.
     */
    @Operation(
            operationId = "retryMessage",
            summary = "Retry a failed message",
            description =
                    "Dispatches a FAILED message again, as its next attempt; the timeline gets QUEUED with who retried it. Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(
            responseCode = "409",
            description = "Not FAILED (`messageStatus` says what it is), or its content is past the organization's"
                    + " content retention")
    @ApiResponse(
            responseCode = "503",
            description = "The operator did not decide in time (`Retry-After`); retrying is safe")
    @PostMapping("/{id}/retry")
    ResponseEntity<Submitted> retry(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        queries.find(caller.organizationId(), id).orElseThrow(() -> new MessageNotFoundException(id));
        MessageDecision decision = decided(id, operator.retry(caller, id));
        if (!MessageDecision.DONE.equals(decision.outcome())) {
            // Refused while FAILED: its content went with the organization's content retention.
            throw new WrongStatusException(
                    id,
                    decision.status(),
                    "FAILED".equals(decision.status())
                            ? "its content is past the organization's content retention (GET /api/v1/retention):"
                                    + " there is nothing left to send"
                            : "only a FAILED message can be retried");
        }
        return ResponseEntity.accepted().body(new Submitted(id, decision.status(), "/api/v1/messages/" + id));
    }

    /** The decision, unless it says the message is not there (another organization's, or not recorded). */
    private static MessageDecision decided(UUID id, MessageDecision decision) {
        if (MessageDecision.NOT_FOUND.equals(decision.outcome())) {
            throw new MessageNotFoundException(id);
        }
        if (MessageDecision.EXPIRED.equals(decision.outcome())) {
            // Answered, but too late to act on: the same as no answer in time.
            throw new NoDecisionException(id);
        }
        return decision;
    }

    @Operation(
            operationId = "listMessages",
            summary = "List messages",
            description =
                    "The organization's messages, newest first; follow `nextCursor` for the next page. `status` filters on the message's summary, `recipientStatus` (repeatable or comma-separated) on any recipient's status. Scope `read`.")
    @GetMapping
    Page list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String recipient,
            @RequestParam(required = false) String memberId,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) List<String> recipientStatus,
            @RequestParam(required = false) String tag,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String until,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        QueryParameters query = new QueryParameters();
        MessageStatus statusFilter = null;
        if (status != null) {
            try {
                statusFilter = MessageStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                query.add(new Violation(
                        "status", "unknown status '" + status + "'; use one of " + List.of(MessageStatus.values())));
            }
        }
        Set<MessageStatus> recipientStatuses = query.statuses("recipientStatus", recipientStatus);
        Instant from = query.instant("since", since);
        Instant to = query.instant("until", until);
        int pageSize = query.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        PageCursor after = query.cursor(cursor, PageCursor::decode);
        query.validate();
        return queries.list(new MessageFilter(
                caller.organizationId(),
                blankToNull(recipient),
                blankToNull(memberId),
                statusFilter,
                recipientStatuses,
                blankToNull(tag),
                from,
                to,
                pageSize,
                after));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
