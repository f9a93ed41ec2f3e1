package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.MailroomProcess;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Scenario 14: operators {@code kill -9}ed during retention runs lose nothing that should stay. The emails of the run
 * are sent and delivered as usual (the shared ledger checks them), then, with both operators stopped, made older in
 * the database as time would (recording and submission moved back): some past the first organization's history (400
 * days), some past its content only (30 days), some inside both, and a few past the history that the pipeline still
 * needs (QUEUED, as if their dispatch command were in the queue). An operator is then started, runs retention at once
 * in batches of {@value #BATCH_SIZE}, and is killed as soon as its deletions have begun, {@code --kills} times,
 * alternately; then both run until nothing is left past a cutoff. Every email inside its window must keep every row it
 * had (all but its content when past the content cutoff), the pipeline's must keep everything, and every email past
 * the history must be gone from every table.
 */
final class RetentionKills extends FaultScenario {
    /** Small batches: a run takes many transactions, so that a kill lands in the middle of one. */
    static final int BATCH_SIZE = 5;

    private static final Duration POLL = Duration.ofMillis(50);
    /** The tables that hold an email's rows, and the column naming it. */
    private static final Map<String, String> EMAIL_TABLES = Map.of(
            "messages", "id",
            "message_recipients", "message_id",
            "message_tags", "message_id",
            "message_contents", "message_id",
            "activities", "message_id",
            "idempotency_keys", "message_id",
            "message_outcomes", "message_id");

    RetentionKills() {
        super(14, "retention-kills", "kill -9 operators during retention runs", 3_000);
    }

    /** The emails of one age, and what retention must leave of them. */
    private record Group(String name, int daysOld, List<UUID> ids) {}

    @Override
    void run(ScenarioRun run, int messages) throws Exception {
        int kills = run.suite.options().kills();
        run.startCluster(
                healthyProvider(),
                List.of("--mailroom.retention.interval=PT1S", "--mailroom.retention.batch-size=" + BATCH_SIZE));
        run.submit(messages, 0);
        run.drainAndRecordLedger(System.nanoTime());
        if (!run.result.passed()) {
            return;
        }

        List<UUID> ids = new ArrayList<>(run.submitter.confirmedIds());
        Collections.shuffle(ids, new Random(14));
        int n = ids.size();
        Group pastHistory = new Group("past the history", 401, ids.subList(0, n * 55 / 100));
        Group pastContent = new Group("past the content only", 100, ids.subList(n * 55 / 100, n * 75 / 100));
        Group inside = new Group("inside both", 29, ids.subList(n * 75 / 100, n * 95 / 100));
        Group pipeline = new Group("past the history, still in the pipeline", 401, ids.subList(n * 95 / 100, n));

        for (MailroomProcess operator : run.operators) {
            operator.kill9();
        }
        run.log("both operators stopped; making the emails older");
        Map<UUID, Map<String, Integer>> before;
        try (Connection db = run.infrastructure.database().connect()) {
            db.setAutoCommit(false);
            for (Group group : List.of(pastHistory, pastContent, inside, pipeline)) {
                makeOlder(db, group);
            }
            try (PreparedStatement st = db.prepareStatement(
                    "UPDATE messages SET status = 'QUEUED', status_rank = 20, next_attempt_at = NULL"
                            + " WHERE id = ANY (?)")) {
                st.setArray(1, uuids(db, pipeline.ids()));
                st.executeUpdate();
            }
            // Made older behind its back: content expiry starts again from the history cutoff, not from where an
            // earlier run (an earlier suite on this database) left it.
            try (PreparedStatement st =
                    db.prepareStatement("DELETE FROM retention_progress WHERE organization_id = 'default'")) {
                st.executeUpdate();
            }
            db.commit();
            db.setAutoCommit(true);
            before = rowsOf(db, ids);
        }
        run.result.check(
                ids.stream()
                        .allMatch(id -> before.get(id).get("messages") == 1
                                && before.get(id).get("message_contents") == 1
                                && before.get(id).get("message_recipients") > 0
                                && before.get(id).get("activities") > 0),
                "an email without its rows before retention");

        int landed = 0;
        for (int k = 1; k <= kills; k++) {
            MailroomProcess victim = run.operators.get((k - 1) % run.operators.size());
            int left = count(run, pastHistory.ids());
            if (left == 0) {
                run.log("nothing left past the history before kill %d", k);
                break;
            }
            victim.start();
            long deadline = System.nanoTime() + ScenarioRun.START_TIMEOUT.toNanos();
            int now = left;
            while (now == left && System.nanoTime() < deadline && victim.isAlive()) {
                Thread.sleep(POLL.toMillis());
                now = count(run, pastHistory.ids());
            }
            victim.kill9();
            int after = count(run, pastHistory.ids());
            boolean midRun = after > 0 && after < left;
            landed += midRun ? 1 : 0;
            run.log(
                    "kill -9 %s (kill %d of %d) with %d of %d emails past the history left (%d when it started)%s",
                    victim.name(), k, kills, after, pastHistory.ids().size(), left, midRun ? "" : ": not mid-run");
        }
        run.result.note("%d of %d kills landed during a retention run", landed, kills);
        run.result.check(landed > 0, "no kill landed during a retention run: give it more --messages");

        long restarted = System.nanoTime();
        for (MailroomProcess operator : run.operators) {
            operator.start();
        }
        long deadline = System.nanoTime() + run.suite.options().drainTimeout().toNanos();
        while (System.nanoTime() < deadline
                && (count(run, pastHistory.ids()) > 0 || contents(run, pastContent.ids()) > 0)) {
            Thread.sleep(500);
        }
        run.log("both operators running again; retention done %.1f s later", ScenarioRun.seconds(restarted));

        Map<UUID, Map<String, Integer>> after;
        try (Connection db = run.infrastructure.database().connect()) {
            after = rowsOf(db, ids);
        }
        List<String> wrong = new ArrayList<>();
        for (UUID id : pastHistory.ids()) {
            if (after.get(id).values().stream().anyMatch(rows -> rows > 0)) {
                wrong.add(pastHistory.name() + " " + id + " still has " + after.get(id));
            }
        }
        for (UUID id : pastContent.ids()) {
            Map<String, Integer> expected = new HashMap<>(before.get(id));
            expected.put("message_contents", 0);
            if (!after.get(id).equals(expected)) {
                wrong.add(pastContent.name() + " " + id + ": " + before.get(id) + " became " + after.get(id));
            }
        }
        for (Group kept : List.of(inside, pipeline)) {
            for (UUID id : kept.ids()) {
                if (!after.get(id).equals(before.get(id))) {
                    wrong.add(kept.name() + " " + id + ": " + before.get(id) + " became " + after.get(id));
                }
            }
        }
        run.result.note(
                "%d emails past the history (gone), %d past the content (kept without it), %d inside (kept whole),"
                        + " %d in the pipeline (kept whole)",
                pastHistory.ids().size(),
                pastContent.ids().size(),
                inside.ids().size(),
                pipeline.ids().size());
        run.result.check(
                wrong.isEmpty(),
                wrong.size() + " emails not as retention must leave them, e.g. "
                        + wrong.subList(0, Math.min(3, wrong.size())));
        List<MailroomProcess> died = run.cluster.exited();
        run.result.check(
                died.isEmpty(),
                "process(es) exited: "
                        + died.stream().map(MailroomProcess::name).toList());
    }

    /** Moves the group's recording and submission back by its age, as time would have. */
    private static void makeOlder(Connection db, Group group) throws SQLException {
        try (PreparedStatement st =
                db.prepareStatement("UPDATE messages SET created_at = created_at - make_interval(days => ?),"
                        + " submitted_at = submitted_at - make_interval(days => ?) WHERE id = ANY (?)")) {
            st.setInt(1, group.daysOld());
            st.setInt(2, group.daysOld());
            st.setArray(3, uuids(db, group.ids()));
            st.executeUpdate();
        }
    }

    /** Each email's rows per table. */
    private static Map<UUID, Map<String, Integer>> rowsOf(Connection db, List<UUID> ids) throws SQLException {
        Map<UUID, Map<String, Integer>> rows = new HashMap<>();
        for (UUID id : ids) {
            Map<String, Integer> none = new HashMap<>();
            EMAIL_TABLES.keySet().forEach(table -> none.put(table, 0));
            rows.put(id, none);
        }
        for (Map.Entry<String, String> table : EMAIL_TABLES.entrySet()) {
            try (PreparedStatement st = db.prepareStatement("SELECT " + table.getValue() + ", COUNT(*) FROM "
                    + table.getKey() + " WHERE " + table.getValue() + " = ANY (?) GROUP BY " + table.getValue())) {
                st.setArray(1, uuids(db, ids));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.get(rs.getObject(1, UUID.class)).put(table.getKey(), rs.getInt(2));
                    }
                }
            }
        }
        return rows;
    }

    private static int count(ScenarioRun run, List<UUID> ids) throws SQLException {
        return countIn(run, "SELECT COUNT(*) FROM messages WHERE id = ANY (?)", ids);
    }

    private static int contents(ScenarioRun run, List<UUID> ids) throws SQLException {
        return countIn(run, "SELECT COUNT(*) FROM message_contents WHERE message_id = ANY (?)", ids);
    }

    private static int countIn(ScenarioRun run, String sql, List<UUID> ids) throws SQLException {
        try (Connection db = run.infrastructure.database().connect();
                PreparedStatement st = db.prepareStatement(sql)) {
            st.setArray(1, uuids(db, ids));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Array uuids(Connection db, List<UUID> ids) throws SQLException {
        return db.createArrayOf("uuid", ids.toArray());
    }
}
