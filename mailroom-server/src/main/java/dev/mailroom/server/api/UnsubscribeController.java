package dev.mailroom.server.api;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.UnsubscribeToken;
import dev.mailroom.server.accounts.InternalKey;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * One-click unsubscribe (RFC 8058), public: the signed token in the path is the capability, so there is no key, no
 * session and no CSRF token. {@code POST /unsubscribe/{token}} (mail clients send {@code List-Unsubscribe=One-Click}
 * as form data; any body is accepted and none is read) verifies the token and puts an UNSUBSCRIBED activity for that
 * recipient on the tracking queue; the operator records it and adds the suppression. {@code GET} only shows a page
 * with a button that POSTs: mail scanners follow links, and must not unsubscribe anyone.
 *
 * <p>400 for what is not a token, 403 for a token Mailroom did not sign (altered, forged) or one that expired; both
 * publish nothing. A repeated POST publishes the same activity id, which the operator stores once.
 */
@RestController
@ConditionalOnRole(Role.API)
class UnsubscribeController {
    static final String PROVIDER_EVENT = "list-unsubscribe";
    /** Nothing but the page itself, and its one form posting back to this origin. */
    static final String PAGE_POLICY = "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private final InternalKey internalKey;
    private final ConfirmedPublisher publisher;
    private final Clock clock;

    UnsubscribeController(InternalKey internalKey, ConfirmedPublisher publisher, Clock clock) {
        this.internalKey = internalKey;
        this.publisher = publisher;
        this.clock = clock;
    }

    @PostMapping(path = "/unsubscribe/{token}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> unsubscribeFromPage(@PathVariable String token) {
        UnsubscribeToken.Verdict verdict = verify(token);
        if (verdict instanceof UnsubscribeToken.Valid valid) {
            publish(valid.claims());
            return html(
                    HttpStatus.OK,
                    "Unsubscribed",
                    para(valid.claims().recipient() + " will get no more emails like this one."));
        }
        return refusedPage(verdict);
    }

    @PostMapping("/unsubscribe/{token}")
    ResponseEntity<?> unsubscribe(@PathVariable String token) {
        UnsubscribeToken.Verdict verdict = verify(token);
        if (verdict instanceof UnsubscribeToken.Valid valid) {
            publish(valid.claims());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("unsubscribed", true);
            body.put("recipient", valid.claims().recipient());
            return ResponseEntity.ok(body);
        }
        if (verdict instanceof UnsubscribeToken.Malformed bad) {
            return problem(HttpStatus.BAD_REQUEST, "Invalid unsubscribe link", bad.reason());
        }
        return problem(
                HttpStatus.FORBIDDEN, "Unsubscribe link not valid", ((UnsubscribeToken.Refused) verdict).reason());
    }

    /** A page with a button: nothing changes until the recipient presses it. */
    @GetMapping("/unsubscribe/{token}")
    ResponseEntity<String> page(@PathVariable String token) {
        UnsubscribeToken.Verdict verdict = verify(token);
        if (verdict instanceof UnsubscribeToken.Valid valid) {
            return html(
                    HttpStatus.OK,
                    "Unsubscribe",
                    para("Stop emails like this one to " + valid.claims().recipient() + "?")
                            // An empty action posts to this very URL, whatever proxy path it was reached by.
                            + "<form method=\"post\" action=\"\">"
                            + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                            + "<button type=\"submit\">Unsubscribe</button></form>");
        }
        return refusedPage(verdict);
    }

    private static ResponseEntity<String> refusedPage(UnsubscribeToken.Verdict verdict) {
        if (verdict instanceof UnsubscribeToken.Malformed bad) {
            return html(HttpStatus.BAD_REQUEST, "Not an unsubscribe link", para(bad.reason()));
        }
        return html(
                HttpStatus.FORBIDDEN,
                "Unsubscribe link not valid",
                para(((UnsubscribeToken.Refused) verdict).reason()));
    }

    private UnsubscribeToken.Verdict verify(String token) {
        // Checked before the key is read: a flood of junk costs no database read.
        if (token == null || token.length() > UnsubscribeToken.MAX_LENGTH) {
            return new UnsubscribeToken.Malformed(
                    "an unsubscribe token is 1-" + UnsubscribeToken.MAX_LENGTH + " characters");
        }
        return UnsubscribeToken.verify(internalKey.unsubscribeKey(), token, clock.instant());
    }

    private void publish(UnsubscribeToken.Claims claims) {
        String recipient = Address.normalize(claims.recipient());
        publisher.publish(ActivityReport.event(
                Ids.of("unsubscribe", claims.messageId().toString(), recipient),
                claims.messageId(),
                null,
                null,
                MessageStatus.UNSUBSCRIBED,
                clock.instant(),
                recipient,
                PROVIDER_EVENT,
                Map.of("source", "one-click")));
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("about:blank"));
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static String para(String text) {
        return "<p>" + HtmlUtils.htmlEscape(text) + "</p>";
    }

    private static ResponseEntity<String> html(HttpStatus status, String title, String body) {
        String page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"robots\" content=\"noindex\"><title>" + HtmlUtils.htmlEscape(title) + "</title></head>"
                + "<body><h1>" + HtmlUtils.htmlEscape(title) + "</h1>" + body + "</body></html>";
        return ResponseEntity.status(status)
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                // The chain's policy (DashboardHeaders) has form-action 'none', which would stop the button; Spring
                // Security keeps a policy the response already has.
                .header("Content-Security-Policy", PAGE_POLICY)
                .body(page);
    }
}
