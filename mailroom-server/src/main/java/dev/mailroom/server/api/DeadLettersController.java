package dev.mailroom.server.api;

import dev.mailroom.contracts.DeadLetterAction;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Parked messages (admin key): list the open ones, replay one onto its queue, or discard it.
 * Decisions go through the control queue (not the mailbox, where any application publishes) to
 * the operator, which carries them out.
 */
@RestController
@RequestMapping("/api/v1/dead-letters")
@ConditionalOnRole(Role.API)
class DeadLettersController {
    private static final int PREVIEW_BYTES = 500;

    private final JdbcTemplate jdbc;
    private final ConfirmedPublisher publisher;
    private final Clock clock;

    DeadLettersController(JdbcTemplate jdbc, ConfirmedPublisher publisher, Clock clock) {
        this.jdbc = jdbc;
        this.publisher = publisher;
        this.clock = clock;
    }

    @GetMapping
    Map<String, Object> list(@AuthenticationPrincipal ApiKeys.Caller caller,
                             @RequestParam(defaultValue = "50") int limit) {
        requireAdmin(caller);
        List<Map<String, Object>> items = jdbc.query("SELECT id, queue, message_type, message_id, reason, body_base64, parked_at"
                        + " FROM dead_letters WHERE resolved_at IS NULL ORDER BY parked_at DESC LIMIT ?",
                (rs, i) -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("id", rs.getObject("id", UUID.class));
                    item.put("queue", rs.getString("queue"));
                    item.put("type", rs.getString("message_type"));
                    item.put("messageId", rs.getString("message_id"));
                    item.put("reason", rs.getString("reason"));
                    item.put("parkedAt", rs.getObject("parked_at", OffsetDateTime.class).toInstant());
                    item.put("bodyPreview", preview(rs.getString("body_base64")));
                    return item;
                }, Math.max(1, Math.min(limit, 500)));
        return Map.of("items", items);
    }

    @PostMapping("/{id}/replay")
    ResponseEntity<Map<String, Object>> replay(@AuthenticationPrincipal ApiKeys.Caller caller, @PathVariable UUID id) {
        return decide(caller, id, DeadLetterAction.REPLAY);
    }

    @PostMapping("/{id}/discard")
    ResponseEntity<Map<String, Object>> discard(@AuthenticationPrincipal ApiKeys.Caller caller, @PathVariable UUID id) {
        return decide(caller, id, DeadLetterAction.DISCARD);
    }

    private ResponseEntity<Map<String, Object>> decide(ApiKeys.Caller caller, UUID id, String action) {
        requireAdmin(caller);
        Integer open = jdbc.queryForObject("SELECT COUNT(*) FROM dead_letters WHERE id = ? AND resolved_at IS NULL", Integer.class, id);
        if (open == null || open == 0) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no open dead letter " + id);
        }
        DeadLetterAction decision = new DeadLetterAction(id, action, clock.instant());
        publisher.publish(decision);
        return ResponseEntity.accepted().body(Map.of("id", id, "action", action));
    }

    private static void requireAdmin(ApiKeys.Caller caller) {
        // The security chain already refuses other keys; this keeps the rule beside the data it guards.
        if (!caller.admin()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "dead letters need an admin API key");
        }
    }

    private static String preview(String base64) {
        byte[] body = Base64.getDecoder().decode(base64);
        String text = new String(body, 0, Math.min(body.length, PREVIEW_BYTES), StandardCharsets.UTF_8);
        return body.length > PREVIEW_BYTES ? text + "…" : text;
    }
}
