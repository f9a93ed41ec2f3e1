package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.bench.cluster.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** On H2 in PostgreSQL mode, as the embedded setup's Mailroom runs it, with a messages table of Mailroom's shape. */
class DatabaseCountersTest {

    @Test
    void countsARunsMessagesPerOrganizationLeavingOutOtherRuns() throws Exception {
        Database db = new Database(
                "jdbc:h2:mem:counters-" + UUID.randomUUID()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                "sa",
                "");
        try (Connection c = db.connect();
                Statement ddl = c.createStatement()) {
            ddl.execute("CREATE TABLE messages (id uuid PRIMARY KEY, organization_id varchar(64) NOT NULL,"
                    + " from_email varchar(320) NOT NULL)");
            insert(c, "bench-1", "run@bench.example", 4);
            insert(c, "bench-2", "run@bench.example", 3);
            insert(c, "bench-10", "run@bench.example", 3);
            insert(c, "default", "another-run@bench.example", 5);

            assertThat(DatabaseCounters.messagesPerOrganization(
                            db, new RunEmails("run@bench.example", java.util.List.of())))
                    .containsExactly(
                            java.util.Map.entry("bench-1", 4L),
                            java.util.Map.entry("bench-10", 3L),
                            java.util.Map.entry("bench-2", 3L));
            assertThat(DatabaseCounters.messagesPerOrganization(
                            db, new RunEmails("nobody@bench.example", java.util.List.of())))
                    .isEmpty();
            // On a database kept from before, only the run's own organizations are looked at.
            assertThat(DatabaseCounters.messagesPerOrganization(
                            db, new RunEmails("run@bench.example", java.util.List.of("bench-1", "bench-2", "default"))))
                    .containsExactly(java.util.Map.entry("bench-1", 4L), java.util.Map.entry("bench-2", 3L));
            ddl.execute("DROP ALL OBJECTS");
        }
    }

    private static void insert(Connection c, String organization, String from, int count) throws Exception {
        try (PreparedStatement s =
                c.prepareStatement("INSERT INTO messages (id, organization_id, from_email) VALUES (?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                s.setObject(1, UUID.randomUUID());
                s.setString(2, organization);
                s.setString(3, from);
                s.executeUpdate();
            }
        }
    }
}
