package dev.mailroom.server.accounts;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The notifier's one write to account data: disabling a webhook endpoint that has failed for too long, with the
 * reason shown to the organization. {@code webhook_endpoints} is the accounts' table; the notifier asks here.
 */
@Component
@ConditionalOnRole(Role.NOTIFIER)
public class WebhookEndpointDisabling {
    /** webhook_endpoints.disabled_reason */
    static final int MAX_REASON = 512;

    private final JdbcClient jdbc;
    private final Clock clock;

    WebhookEndpointDisabling(@Qualifier(AccountsDatabase.POOL) JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Disables the endpoint, if it is still enabled, saying why.
     *
     * @return whether this call disabled it (false: already disabled, or no such endpoint)
     */
    public boolean disableWebhookEndpoint(UUID endpointId, String reason) {
        String why = reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 1) + "…";
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return jdbc.sql("UPDATE webhook_endpoints SET enabled = FALSE, disabled_reason = ?, disabled_at = ?,"
                                + " updated_at = ? WHERE id = ? AND enabled = TRUE")
                        .params(why, now, now, endpointId)
                        .update()
                == 1;
    }
}
