package dev.mailroom.server.operator;

import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.MailboxProof;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.PublicUrl;
import dev.mailroom.server.Role;
import dev.mailroom.server.UnsubscribeProperties;
import dev.mailroom.server.UnsubscribeToken;
import dev.mailroom.server.accounts.InternalKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Gives a bulk email's dispatch command its one-click unsubscribe link (RFC 8058), which every provider sends as
 * {@code List-Unsubscribe}: {@code <public url>/unsubscribe/<token>}, the token signed with the key derived from the
 * installation's internal key ({@link UnsubscribeToken}) and valid for {@code mailroom.unsubscribe.valid-for} from
 * the time the command is built (a retry gets a fresh one).
 *
 * <p>The internal key's row is written by the first API process. Until one has run there is nobody to answer the
 * link either, so such an email goes without a link (and a warning) rather than not at all.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class UnsubscribeLinks {
    private static final Logger log = LoggerFactory.getLogger(UnsubscribeLinks.class);
    /** How often a missing internal key is looked for again. */
    private static final Duration LOOK_AGAIN = Duration.ofSeconds(5);

    private final JdbcTemplate jdbc;
    private final PublicUrl publicUrl;
    private final Duration validFor;
    private final Clock clock;
    /** The row never changes once written: read once. */
    private volatile byte[] key;

    private volatile Instant lookedAt = Instant.MIN;

    UnsubscribeLinks(JdbcTemplate jdbc, PublicUrl publicUrl, UnsubscribeProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.publicUrl = publicUrl;
        this.validFor = properties.validFor();
        this.clock = clock;
    }

    /** The command with its link when its email is bulk mail (to its one recipient); else the command unchanged. */
    DispatchCommand withLink(DispatchCommand command) {
        if (command.email() == null || !command.email().bulkMail()) {
            return command;
        }
        List<Recipient> to = command.email().to();
        // EmailRules refuses a bulk email to more (or other) recipients; one that got here anyway gets no link.
        if (to.size() != 1 || to.get(0) == null || command.organizationId() == null) {
            return command;
        }
        byte[] signingKey = key();
        if (signingKey == null) {
            log.warn(
                    "Bulk email {} goes without an unsubscribe link: no API process has written the internal key yet",
                    command.messageId());
            return command;
        }
        Instant expiresAt = clock.instant().plus(validFor);
        try {
            String token = UnsubscribeToken.issue(
                    signingKey,
                    new UnsubscribeToken.Claims(
                            command.organizationId(),
                            command.messageId(),
                            to.get(0).email(),
                            expiresAt));
            return command.withUnsubscribeUrl(publicUrl.get() + "/unsubscribe/" + token);
        } catch (IllegalArgumentException e) {
            log.warn(
                    "Bulk email {} goes without an unsubscribe link: {}",
                    command.messageId(),
                    LogSafe.escape(e.getMessage()));
            return command;
        }
    }

    private byte[] key() {
        byte[] current = key;
        if (current != null) {
            return current;
        }
        Instant now = clock.instant();
        if (now.isBefore(lookedAt.plus(LOOK_AGAIN))) {
            return null;
        }
        lookedAt = now;
        List<String> hashes =
                jdbc.queryForList("SELECT secret_hash FROM api_keys WHERE id = ?", String.class, InternalKey.ID);
        if (hashes.isEmpty() || hashes.get(0) == null) {
            return null;
        }
        current = UnsubscribeToken.keyFrom(MailboxProof.signingKeyFromHash(hashes.get(0)));
        key = current;
        return current;
    }
}
