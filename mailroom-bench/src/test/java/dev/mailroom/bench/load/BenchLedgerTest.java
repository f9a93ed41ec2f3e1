package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.bench.cluster.Database;
import dev.mailroom.bench.cluster.LedgerCheck;
import dev.mailroom.bench.cluster.LedgerReport;
import dev.mailroom.bench.cluster.LedgerRows.ActivityRow;
import dev.mailroom.bench.cluster.LedgerRows.MessageRow;
import dev.mailroom.bench.report.BenchReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BenchLedgerTest {

    @Test
    void theIdsCheckedAreTheConfirmedOnesOfTheWarmUpAndOfTheMeasuredLoad() {
        SubmissionLog warmup = new SubmissionLog();
        SubmissionLog measured = new SubmissionLog();
        UUID w1 = confirm(warmup);
        UUID w2 = confirm(warmup);
        UUID m1 = confirm(measured);
        warmup.started.increment();
        warmup.fail(new RuntimeException("nack"));
        measured.started.increment();
        measured.fail(new RuntimeException("timeout"));

        assertThat(BenchLedger.idsToCheck(warmup, measured)).containsExactlyInAnyOrder(w1, w2, m1);
    }

    @Test
    void theFiguresSplitDuplicateRowsByTableAndCountTheFakesDuplicateSends() {
        UUID ok = UUID.randomUUID();
        UUID twice = UUID.randomUUID();
        UUID stuck = UUID.randomUUID();
        UUID missing = UUID.randomUUID();
        LedgerReport report = LedgerCheck.evaluate(
                List.of(ok, twice, stuck, missing),
                List.of(
                        message(ok, "CLICKED"),
                        message(twice, "DELIVERED"),
                        message(twice, "DELIVERED"),
                        message(stuck, "QUEUED")),
                List.of(queued(ok), queued(twice), queued(twice), queued(twice), queued(stuck)),
                Map.of(ok.toString(), 1, twice.toString(), 3));

        BenchReport.Ledger l = BenchLedger.of(report, 1, 3, true, true, 1.234);

        assertThat(l.checked()).isTrue();
        assertThat(l.submitted()).isEqualTo(4);
        assertThat(l.warmupEmails() + l.measuredEmails()).isEqualTo(4);
        assertThat(l.present()).isEqualTo(3);
        assertThat(l.missing()).isEqualTo(1);
        assertThat(l.notTerminal()).isEqualTo(1);
        assertThat(l.lost()).isEqualTo(2);
        assertThat(l.duplicateMessageRows()).isEqualTo(1);
        assertThat(l.duplicateActivityRows()).isEqualTo(2); // QUEUED of attempt 1 three times: two rows too many
        assertThat(l.duplicateSends()).isEqualTo(2);
        assertThat(l.seconds()).isEqualTo(1.23);
        assertThat(l.problems().get(0)).startsWith("2 sends accepted by the fake provider beyond the first");
        assertThat(l.problems())
                .anyMatch(p -> p.contains(missing.toString()))
                .anyMatch(p -> p.contains(stuck.toString()) && p.contains("not in a terminal status"));
    }

    @Test
    void withoutTheFakeDuplicateSendsAreNotCountedNorListed() {
        UUID id = UUID.randomUUID();
        LedgerReport report = LedgerCheck.evaluate(List.of(id), List.of(message(id, "CLICKED")), List.of(), Map.of());

        BenchReport.Ledger l = BenchLedger.of(report, 0, 1, false, true, 0.1);

        assertThat(l.sendsCounted()).isFalse();
        assertThat(l.duplicateSends()).isEqualTo(-1);
        assertThat(l.problems()).isEmpty();
    }

    @Test
    void aLongListOfProblemsIsCutAndWhatIsLeftOffIsCounted() {
        List<UUID> ids = new ArrayList<>();
        List<MessageRow> messages = new ArrayList<>();
        List<ActivityRow> activities = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            messages.add(message(id, "CLICKED"));
            activities.add(queued(id));
            activities.add(queued(id));
        }
        ids.add(UUID.randomUUID()); // missing
        // Problems: 1 missing + 5 duplicated facts + "... and 4 more duplicated facts" + the duplicate sends = 8 lines.
        LedgerReport report = LedgerCheck.evaluate(
                ids, messages, activities, Map.of(ids.get(0).toString(), 2));
        assertThat(BenchLedger.of(report, 0, ids.size(), true, true, 0).problems())
                .hasSize(BenchLedger.PROBLEMS_SHOWN);

        // One more line (a stuck email) and the last two become "... and 2 more".
        messages.set(1, message(ids.get(1), "DISPATCHED"));
        report = LedgerCheck.evaluate(
                ids, messages, activities, Map.of(ids.get(0).toString(), 2));
        List<String> problems =
                BenchLedger.of(report, 0, ids.size(), true, true, 0).problems();
        assertThat(problems).hasSize(BenchLedger.PROBLEMS_SHOWN);
        assertThat(problems.get(BenchLedger.PROBLEMS_SHOWN - 1)).isEqualTo("... and 2 more");
    }

    /**
     * The embedded setup's database is H2 in PostgreSQL mode (read through its auto-server): the
     * ledger's SQL ({@code = ANY(uuid array)}) runs there too. In memory, on tables of Mailroom's
     * shape; nothing external needed.
     */
    @Test
    void checksAnH2DatabaseInPostgresModeLikeTheEmbeddedOne() throws Exception {
        Database h2 = new Database(
                "jdbc:h2:mem:ledger-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                "sa",
                "");
        SubmissionLog warmup = new SubmissionLog();
        SubmissionLog measured = new SubmissionLog();
        UUID warm = confirm(warmup);
        UUID delivered = confirm(measured);
        UUID twice = confirm(measured);
        UUID lost = confirm(measured);
        try (Connection db = h2.connect();
                Statement ddl = db.createStatement()) {
            ddl.execute(
                    "CREATE TABLE messages (id UUID PRIMARY KEY, status VARCHAR(16) NOT NULL, attempts INT NOT NULL DEFAULT 0)");
            ddl.execute(
                    "CREATE TABLE activities (id UUID PRIMARY KEY, message_id UUID, status VARCHAR(16) NOT NULL, recipient VARCHAR(320),"
                            + " provider_message_id VARCHAR(255), provider_event VARCHAR(64), details TEXT)");
            for (UUID id : List.of(warm, delivered, twice)) {
                insert(db, "INSERT INTO messages (id, status, attempts) VALUES (?, 'DELIVERED', 1)", id);
                insert(
                        db,
                        "INSERT INTO activities (id, message_id, status, details) VALUES (?, ?, 'QUEUED', '{\"attempt\":1}')",
                        UUID.randomUUID(),
                        id);
            }
            insert(
                    db,
                    "INSERT INTO activities (id, message_id, status, details) VALUES (?, ?, 'QUEUED', '{\"attempt\":1}')",
                    UUID.randomUUID(),
                    twice);

            BenchReport.Ledger l = BenchLedger.check(h2, warmup, measured, Map.of(delivered.toString(), 2), true);

            assertThat(l.notChecked()).isNull();
            assertThat(l.warmupEmails()).isEqualTo(1);
            assertThat(l.measuredEmails()).isEqualTo(3);
            assertThat(l.submitted()).isEqualTo(4);
            assertThat(l.present()).isEqualTo(3);
            assertThat(l.missing()).isEqualTo(1);
            assertThat(l.duplicateActivityRows()).isEqualTo(1);
            assertThat(l.duplicateSends()).isEqualTo(1);
            assertThat(l.problems())
                    .anyMatch(p -> p.contains(lost.toString()))
                    .anyMatch(p -> p.contains(twice.toString()));
            assertThat(Verdicts.ledger(l).verdict()).isEqualTo("not met");

            ddl.execute("SHUTDOWN");
        }
    }

    @Test
    void anEmbeddedDatabaseThatCannotBeReadIsNotCheckedAndSaysWhy() {
        Database unreadable = new Database(
                "jdbc:h2:file:/nonexistent-" + UUID.randomUUID() + "/db;IFEXISTS=TRUE;MODE=PostgreSQL", "sa", "");
        SubmissionLog measured = new SubmissionLog();
        confirm(measured);

        BenchReport.Ledger l = BenchLedger.check(unreadable, new SubmissionLog(), measured, null, true);

        assertThat(l.checked()).isFalse();
        assertThat(l.notChecked()).startsWith("embedded database");
        assertThat(l.submitted()).isEqualTo(1);
        assertThat(l.present()).isEqualTo(-1);
        assertThat(Verdicts.ledger(l).verdict()).startsWith("not checked (embedded database");
    }

    private static UUID confirm(SubmissionLog log) {
        UUID id = UUID.randomUUID();
        log.started.increment();
        log.record(id, 1, 2);
        return id;
    }

    private static MessageRow message(UUID id, String status) {
        return new MessageRow(id, status, 1);
    }

    private static ActivityRow queued(UUID messageId) {
        return new ActivityRow(UUID.randomUUID(), messageId, "QUEUED", null, null, null, 1);
    }

    private static void insert(Connection db, String sql, Object... args) throws Exception {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.executeUpdate();
        }
    }
}
