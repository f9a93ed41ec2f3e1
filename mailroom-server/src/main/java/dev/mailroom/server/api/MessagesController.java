package dev.mailroom.server.api;

import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.SendAllowance;
import dev.mailroom.server.api.MessageViews.MessageDetail;
import dev.mailroom.server.api.MessageViews.Page;
import dev.mailroom.server.api.MessageViews.Submitted;
import dev.mailroom.server.security.Caller;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
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

    MessagesController(
            SubmissionPublisher submissions,
            MessageQueries queries,
            SubmissionRules rules,
            Clock clock,
            IdempotencyKeys idempotencyKeys) {
        this.idempotencyKeys = idempotencyKeys;
        this.submissions = submissions;
        this.rules = rules;
        this.queries = queries;
        this.clock = clock;
    }

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

    @GetMapping("/{id}")
    ResponseEntity<MessageDetail> get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return queries.find(caller.organizationId(), id)
                .map(ResponseEntity::ok)
                .orElseThrow(() -> new MessageNotFoundException(id));
    }

    /** Cancels a scheduled message; 409 when it is no longer waiting for its send time. */
    @PostMapping("/{id}/cancel")
    ResponseEntity<Submitted> cancel(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        MessageDetail message =
                queries.find(caller.organizationId(), id).orElseThrow(() -> new MessageNotFoundException(id));
        if (MessageStatus.CANCELED.name().equals(message.status())) {
            return ResponseEntity.ok(new Submitted(id, message.status(), "/api/v1/messages/" + id));
        }
        if (!MessageStatus.SCHEDULED.name().equals(message.status())) {
            throw new NotCancelableException(id, message.status());
        }
        submissions.cancel(new CancelMessage(id, caller.organizationId(), clock.instant()));
        return ResponseEntity.accepted().body(new Submitted(id, message.status(), "/api/v1/messages/" + id));
    }

    @GetMapping
    Page list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String recipient,
            @RequestParam(required = false) String memberId,
            @RequestParam(required = false) String status,
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
