package dev.mailroom.server.accounts;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Accounts: people, sign-in and API keys.
 *
 * @param firstOperator  the platform operator created on the first start, when there is no user yet
 * @param keyRecheck     how long an API process trusts what it read about a key: a key revoked on
 *                       another process stops working here at most this much later
 * @param lastUsedFlush  how often the keys' last use is written (one batch, not one write per request)
 * @param signIn         lockout after failed sign-ins
 * @param plans          send limits per plan, by plan name ({@code mailroom.accounts.plans.standard.per-minute=1000});
 *                       an organization whose plan is not listed has no limits unless it has its own
 */
@ConfigurationProperties("mailroom.accounts")
public record AccountsProperties(
        @DefaultValue FirstOperator firstOperator,
        @DefaultValue("PT5S") Duration keyRecheck,
        @DefaultValue("PT30S") Duration lastUsedFlush,
        @DefaultValue SignIn signIn,
        Map<String, SendLimits> plans) {

    public AccountsProperties {
        plans = plans == null ? Map.of() : Map.copyOf(plans);
    }

    /**
     * @param email    the first platform operator's sign-in
     * @param password their password; unset, one is generated and shown once in the start-up log
     */
    public record FirstOperator(
            @DefaultValue("admin@localhost") String email, String password) {}

    /**
     * @param maxFailures failed sign-ins in a row before the account is locked
     * @param lockFor     the first lock; each further failure doubles it
     * @param maxLockFor  the longest lock
     */
    public record SignIn(
            @DefaultValue("5") int maxFailures,
            @DefaultValue("PT1M") Duration lockFor,
            @DefaultValue("PT15M") Duration maxLockFor) {}
}
