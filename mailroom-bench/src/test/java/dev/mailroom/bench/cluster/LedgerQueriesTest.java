package dev.mailroom.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ledger's SQL against a real PostgreSQL, on tables of Mailroom's shape in a throw-away
 * schema (so it needs no Mailroom schema and touches no real rows). Runs with
 * {@code MAILROOM_IT_EXTERNAL=true} and {@code SPRING_DATASOURCE_*}, as {@code .ci/run}'s second
 * verify sets them.
 */
class LedgerQueriesTest {
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));

    @Test
    void loadsTheRowsOfTheGivenIdsAndFindsADuplicateAndALoss() throws Exception {
        assumeTrue(EXTERNAL, "needs PostgreSQL: MAILROOM_IT_EXTERNAL=true and SPRING_DATASOURCE_* (see .ci/run)");
        String schema = "ledger_test_" + Long.toHexString(System.nanoTime());
        UUID delivered = UUID.randomUUID();
        UUID duplicated = UUID.randomUUID();
        UUID lost = UUID.randomUUID();
        UUID notOurs = UUID.randomUUID();
        try (Connection db = Infrastructure.fromEnvironment().database().connect();
                Statement ddl = db.createStatement()) {
            ddl.execute("CREATE SCHEMA " + schema);
            try {
                ddl.execute("SET search_path TO " + schema);
                ddl.execute(
                        "CREATE TABLE messages (id uuid PRIMARY KEY, status varchar(16) NOT NULL, attempts int NOT NULL)");
                ddl.execute(
                        "CREATE TABLE activities (id uuid PRIMARY KEY, message_id uuid, status varchar(16) NOT NULL, recipient varchar(320),"
                                + " provider_message_id varchar(255), provider_event varchar(64), details text)");
                for (UUID id : List.of(delivered, duplicated, notOurs)) {
                    insertMessage(db, id, "DELIVERED");
                    insertActivity(db, id, "ACCEPTED", null, null, null);
                    insertActivity(db, id, "QUEUED", null, null, "{\"attempt\":1}");
                    insertActivity(db, id, "DISPATCHED", null, null, "{\"attempt\":1}");
                    insertActivity(db, id, "DELIVERED", "p-" + id, "delivered", null);
                }
                insertActivity(db, duplicated, "QUEUED", null, null, "{\"attempt\":1}");
                insertActivity(db, notOurs, "ACCEPTED", null, null, null);

                LedgerReport report = LedgerQueries.check(
                        db,
                        List.of(delivered, duplicated, lost),
                        Map.of(delivered.toString(), 1, duplicated.toString(), 2));

                assertThat(report.present()).isEqualTo(2);
                assertThat(report.missing()).containsExactly(lost);
                assertThat(report.duplicateFacts()).singleElement().satisfies(d -> {
                    assertThat(d.messageId()).isEqualTo(duplicated);
                    assertThat(d.fact()).isEqualTo("QUEUED of attempt 1");
                });
                assertThat(report.duplicateSends()).isEqualTo(1);
                assertThat(LedgerQueries.statusCounts(db, List.of(delivered, duplicated, lost)))
                        .containsExactly(Map.entry("DELIVERED", 2L));
            } finally {
                ddl.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void insertMessage(Connection db, UUID id, String status) throws Exception {
        try (PreparedStatement st =
                db.prepareStatement("INSERT INTO messages (id, status, attempts) VALUES (?, ?, 1)")) {
            st.setObject(1, id);
            st.setString(2, status);
            st.executeUpdate();
        }
    }

    private static void insertActivity(
            Connection db, UUID messageId, String status, String providerId, String event, String details)
            throws Exception {
        try (PreparedStatement st =
                db.prepareStatement("INSERT INTO activities (id, message_id, status, recipient, provider_message_id,"
                        + " provider_event, details) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            st.setObject(1, UUID.randomUUID());
            st.setObject(2, messageId);
            st.setString(3, status);
            st.setString(4, event == null ? null : "ada@example.org");
            st.setString(5, providerId);
            st.setString(6, event);
            st.setString(7, details);
            st.executeUpdate();
        }
    }
}
