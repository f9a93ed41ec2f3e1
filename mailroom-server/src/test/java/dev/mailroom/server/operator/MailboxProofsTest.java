package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.contracts.MailboxProof;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.MessageTypes;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The operator's check of a mailbox proof against the real schema (Mailroom's migrations on H2): the configured
 * bootstrap key proves the first organization even before an API process has written its row, the row decides
 * once written, and a key written a moment after a message named it is found within a second or so.
 */
class MailboxProofsTest {
    private static final String BOOTSTRAP = "bootstrap-key-for-proofs-test";

    private JdbcTemplate jdbc;

    @BeforeEach
    void database() {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:proofs-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        jdbc = new JdbcTemplate(db);
    }

    @Test
    void theConfiguredBootstrapKeyProvesTheFirstOrganizationBeforeItsRowIsWritten() {
        MailboxProofs proofs = proofs(BOOTSTRAP);

        MailboxProofs.Proven proven = proofs.check(signed(BOOTSTRAP));

        assertThat(proven.organizationFor(null)).isEqualTo("default");
        assertThatThrownBy(() -> proofs(null).check(signed(BOOTSTRAP)))
                .as("a process not given the key does not know it")
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("unknown key id");
    }

    @Test
    void onceWrittenTheBootstrapKeysRowDecidesARevocationIncluded() {
        insertKey(UUID.randomUUID(), "bootstrap", "default", "send,read,admin", BOOTSTRAP, Instant.now());

        assertThatThrownBy(() -> proofs(BOOTSTRAP).check(signed(BOOTSTRAP)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("was revoked");
    }

    @Test
    void aKeyWrittenJustAfterAMessageNamedItIsFoundWithinMoments() {
        MailboxProofs proofs = proofs(null);
        String key = "mr_late_" + UUID.randomUUID();
        assertThatThrownBy(() -> proofs.check(signed(key))).hasMessageContaining("unknown key id");

        insertKey(UUID.randomUUID(), "mr_late", "default", "send", key, null);

        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> "default".equals(proofs.check(signed(key)).organizationFor(null)));
    }

    @Test
    void theInternalKeySignsForTheOrganizationTheMessageNamesAndOnlyWhenItNamesOne() {
        String internal = "internal-" + UUID.randomUUID();
        insertKey(UUID.randomUUID(), "internal", null, "internal", internal, null);

        MailboxProofs.Proven proven = proofs(null).check(signed(internal));

        assertThat(proven.organizationFor("acme")).isEqualTo("acme");
        assertThatThrownBy(() -> proven.organizationFor(null)).hasMessageContaining("names no organizationId");
    }

    @Test
    void aPlatformKeyCannotSignForAnyOrganization() {
        String platform = "platform-" + UUID.randomUUID();
        insertKey(UUID.randomUUID(), "platform", null, "platform", platform, null);

        assertThatThrownBy(() -> proofs(null).check(signed(platform))).hasMessageContaining("lacks the scope 'send'");
    }

    private MailboxProofs proofs(String bootstrap) {
        return new MailboxProofs(jdbc, Clock.systemUTC(), Duration.ofSeconds(5), bootstrap);
    }

    private void insertKey(UUID id, String prefix, String organization, String scopes, String key, Instant revokedAt) {
        jdbc.update(
                "INSERT INTO api_keys (id, organization_id, name, prefix, secret_hash, public_id, scopes, created_at,"
                        + " created_by, revoked_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                id,
                organization,
                "test",
                prefix,
                HexFormat.of().formatHex(MailboxProof.signingKey(key)),
                MailboxProof.keyId(key),
                scopes,
                Timestamp.from(Instant.now()),
                "test",
                revokedAt == null ? null : Timestamp.from(revokedAt));
    }

    private static Message signed(String key) {
        MessageProperties props = new MessageProperties();
        String id = UUID.randomUUID().toString();
        props.setMessageId(id);
        props.setType(MessageTypes.SUBMIT_V1);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        MailboxProof.headers(key, id, MessageTypes.SUBMIT_V1, body).forEach(props::setHeader);
        return new Message(body, props);
    }
}
