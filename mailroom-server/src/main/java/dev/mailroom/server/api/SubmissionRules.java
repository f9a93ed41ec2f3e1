package dev.mailroom.server.api;

import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.EnabledProviders;
import dev.mailroom.server.InputLimits;
import dev.mailroom.server.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The rules a submitted email must keep, in one place for {@code POST /api/v1/messages} and each item of
 * {@code POST /api/v1/messages/batch}: the contract's {@link EmailRules}, the {@code sendAt} horizon and
 * a provider that is enabled.
 */
@Component
@ConditionalOnRole(Role.API)
class SubmissionRules {
    /** The longest Idempotency-Key: what {@code idempotency_keys.idempotency_key} holds. */
    static final int MAX_IDEMPOTENCY_KEY = 255;

    private final EnabledProviders providers;
    private final InputLimits limits;

    SubmissionRules(EnabledProviders providers, InputLimits limits) {
        this.providers = providers;
        this.limits = limits;
    }

    /** Every rule the request breaks, each naming its field; empty when it may be submitted. */
    List<Violation> check(SubmissionRequest request, Instant now) {
        List<Violation> problems = new ArrayList<>(EmailRules.check(request.email()));
        // A past sendAt means now; a far one (or one no database can store) is refused here, not in a batch.
        problems.addAll(EmailRules.checkSendAt(request.sendAt(), now, limits.maxScheduleAhead()));
        String providerProblem = request.provider() == null ? null : providers.problemWith(request.provider());
        if (providerProblem != null) {
            problems.add(new Violation("provider", providerProblem));
        }
        return problems;
    }

    /** What is wrong with an Idempotency-Key header of at most {@code maxLength} characters; null: nothing. */
    static Violation idempotencyKeyProblem(String key, int maxLength) {
        if (key != null && (key.isBlank() || key.length() > maxLength)) {
            return new Violation("Idempotency-Key", "must be 1-" + maxLength + " characters");
        }
        return null;
    }
}
