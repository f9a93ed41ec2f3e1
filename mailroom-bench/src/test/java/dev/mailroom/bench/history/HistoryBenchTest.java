package dev.mailroom.bench.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.bench.cluster.Database;
import dev.mailroom.bench.cluster.Infrastructure;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.Recipient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole {@code history} command at a small size against a real PostgreSQL and RabbitMQ: Mailroom's jar migrates a
 * throw-away schema and creates the organizations, the generator fills it, Mailroom in the api role answers every kind
 * of read. Then the rows are checked against what they must be: counts, each message's status the highest of its
 * activities, the member read model what V17's GROUP BY over the recipients gives, the overview counts each day's
 * messages per status. Runs with
 * {@code MAILROOM_IT_EXTERNAL=true} and {@code SPRING_DATASOURCE_*}/{@code SPRING_RABBITMQ_*}, as {@code .ci/run}'s
 * second verify sets them, after mailroom-server's jar is built (the reactor builds it first).
 */
class HistoryBenchTest {
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));
    private static final Path JAR = Path.of("..", "mailroom-server", "target", "mailroom.jar");
    private static final int EMAILS = 3_000;

    @Test
    void fillsAConsistentHistoryAndMeasuresEveryKindOfRead(@TempDir Path results) throws Exception {
        assumeTrue(EXTERNAL, "needs PostgreSQL and RabbitMQ: MAILROOM_IT_EXTERNAL=true and SPRING_* (see .ci/run)");
        assertThat(JAR)
                .as("mailroom-server's jar (./mvnw -pl mailroom-server,mailroom-bench -am package)")
                .isRegularFile();
        Infrastructure env = Infrastructure.fromEnvironment();
        String schema = "history_test_" + Long.toHexString(System.nanoTime());
        String url =
                env.database().url() + (env.database().url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Database db = new Database(url, env.database().user(), env.database().password());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            String[] args = {
                "--emails",
                Integer.toString(EMAILS),
                "--organizations",
                "3",
                "--days",
                "30",
                "--seed",
                "16",
                "--readers",
                "2",
                "--requests",
                "4",
                "--kind-seconds",
                "10",
                "--warmup",
                "0",
                "--page-depth",
                "3",
                "--member-page-depth",
                "3",
                "--no-explain",
                "--jar",
                JAR.toString(),
                "--jvm-arg",
                "-XX:TieredStopAtLevel=1",
                "--jvm-arg",
                "-XX:+UseSerialGC",
                "--jdbc-url",
                url,
                "--db-user",
                db.user(),
                "--db-password",
                db.password(),
                "--amqp-uri",
                env.broker().uri(),
                "--results",
                results.toString()
            };
            HistoryReport report = HistoryCommand.runQuietly(args, new PrintStream(log, true, StandardCharsets.UTF_8));
            List<Path> files = HistoryCommand.write(report, results);

            HistoryGenerator.Counts counts = report.fill().counts();
            assertThat(counts.emails()).isEqualTo(EMAILS);
            try (Connection c = db.connect()) {
                assertThat(count(c, "messages")).isEqualTo(EMAILS);
                assertThat(count(c, "message_contents")).isEqualTo(EMAILS);
                assertThat(count(c, "message_recipients")).isEqualTo(counts.recipients());
                assertThat(count(c, "message_tags")).isEqualTo(counts.tags());
                assertThat(count(c, "activities")).isEqualTo(counts.activities());
                assertThat(count(c, "members")).isEqualTo(counts.members()).isPositive();
                assertThat(count(c, "member_search_terms")).isEqualTo(counts.terms());
                assertThat(counts.activities()).isBetween(5L * EMAILS, 7L * EMAILS);

                everyStatusIsTheHighestOfItsActivities(c);
                timestampsAndCountsAgree(c);
                theMemberReadModelIsWhatV17AndV23Give(c);
                theOverviewCountsAreEachDaysMessagesPerStatus(c);
                contentsAreTheEmailsOfTheirRecipients(c);
                theKeysAndIndexesAreBackAsTheMigrationsMadeThem(c);
            }

            assertThat(report.reads()).extracting(HistoryReport.Reads::role).containsExactly("largest", "smallest");
            for (HistoryReport.Reads reads : report.reads()) {
                assertThat(reads.kinds())
                        .extracting(HistoryReaders.KindResult::kind)
                        .containsExactly(QueryKind.values());
                assertThat(reads.kinds()).allSatisfy(k -> {
                    assertThat(k.errors()).as(k.kind() + ": " + k.lastError()).isZero();
                    assertThat(k.latency().count()).as(k.kind().title).isPositive();
                    assertThat(k.latency().p99()).as(k.kind().title).isPositive();
                });
            }
            assertThat(report.storage().tables()).hasSize(HistoryFill.TABLES.size());
            assertThat(report.storage().totalBytes()).isPositive();
            String md = Files.readString(files.get(0));
            assertThat(files.get(0).getFileName().toString()).matches("\\d{8}-\\d{6}\\.md");
            assertThat(md)
                    .contains("# Mailroom history benchmark")
                    .contains("## Reads: bench-1 (largest")
                    .contains("| one message |")
                    .contains("## Storage");
        } catch (AssertionError | Exception e) {
            System.out.println(log.toString(StandardCharsets.UTF_8));
            throw e;
        } finally {
            try (Connection c = Infrastructure.fromEnvironment().database().connect();
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static void everyStatusIsTheHighestOfItsActivities(Connection c) throws SQLException {
        Map<UUID, Integer> highest = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT message_id, status FROM activities")) {
            while (rs.next()) {
                int p = MessageStatus.valueOf(rs.getString(2)).precedence();
                highest.merge(rs.getObject(1, UUID.class), p, Math::max);
            }
        }
        int checked = 0;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, status, status_rank FROM messages")) {
            while (rs.next()) {
                MessageStatus status = MessageStatus.valueOf(rs.getString(2));
                assertThat(rs.getInt(3)).isEqualTo(status.precedence());
                assertThat(highest.get(rs.getObject(1, UUID.class)))
                        .as("message %s", rs.getObject(1))
                        .isEqualTo(status.precedence());
                checked++;
            }
        }
        assertThat(checked).isEqualTo(EMAILS);
        // A recipient of a message of several has its own status: the highest of the activities naming it or none.
        assertThat(single(
                        c,
                        "SELECT COUNT(*) FROM message_recipients r JOIN messages m ON m.id = r.message_id"
                                + " WHERE m.recipient_count > 1 AND r.status IS DISTINCT FROM (SELECT a.status FROM"
                                + " activities a WHERE a.message_id = r.message_id AND (a.recipient IS NULL OR"
                                + " a.recipient = r.email) ORDER BY " + rankCase("a.status") + " DESC LIMIT 1)"))
                .isZero();
        assertThat(single(
                        c,
                        "SELECT COUNT(*) FROM message_recipients r JOIN messages m ON m.id = r.message_id"
                                + " WHERE (m.recipient_count = 1) <> (r.status IS NULL)"
                                + " OR r.status_rank IS DISTINCT FROM " + rankCase("r.status")))
                .isZero();
        // Several statuses occur: delivered, opened, clicked, bounced...
        assertThat(single(c, "SELECT COUNT(DISTINCT status) FROM messages")).isGreaterThanOrEqualTo(4);
    }

    private static String rankCase(String column) {
        StringBuilder sql = new StringBuilder("CASE " + column);
        for (MessageStatus s : MessageStatus.values()) {
            sql.append(" WHEN '").append(s.name()).append("' THEN ").append(s.precedence());
        }
        return sql.append(" END").toString();
    }

    private static void timestampsAndCountsAgree(Connection c) throws SQLException {
        assertThat(single(
                        c,
                        "SELECT COUNT(*) FROM messages m WHERE m.recipient_count <>"
                                + " (SELECT COUNT(*) FROM message_recipients r WHERE r.message_id = m.id)"))
                .isZero();
        assertThat(single(
                        c,
                        "SELECT COUNT(*) FROM activities a JOIN messages m ON m.id = a.message_id"
                                + " WHERE a.occurred_at < m.created_at OR a.recorded_at < a.occurred_at"
                                + " OR a.recorded_at > now() OR m.updated_at < m.created_at"
                                + " OR m.submitted_at > m.created_at OR m.updated_at > now()"))
                .isZero();
        // ACCEPTED when the message was stored; updated when its status was last raised (by an activity recorded then).
        assertThat(single(
                        c,
                        "SELECT COUNT(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM activities a"
                                + " WHERE a.message_id = m.id AND a.status = 'ACCEPTED' AND a.occurred_at = m.created_at)"
                                + " OR NOT EXISTS (SELECT 1 FROM activities a WHERE a.message_id = m.id"
                                + " AND a.recorded_at = m.updated_at)"))
                .isZero();
        // Opens and clicks carry an IP address and a user agent, as SES's and Mailgun's events do.
        assertThat(single(
                        c,
                        "SELECT COUNT(*) FROM activities WHERE status IN ('OPENED', 'CLICKED')"
                                + " AND NOT (details LIKE '%\"userAgent\"%' AND (details LIKE '%\"ipAddress\"%'"
                                + " OR details LIKE '%\"ip\"%'))"))
                .isZero();
        assertThat(single(c, "SELECT COUNT(*) FROM activities WHERE status = 'OPENED'"))
                .isPositive();
    }

    private static void theMemberReadModelIsWhatV17AndV23Give(Connection c) throws SQLException {
        String members = "SELECT m.organization_id, r.member_id, MAX(m.created_at)"
                + " FROM message_recipients r JOIN messages m ON m.id = r.message_id"
                + " WHERE r.member_id IS NOT NULL GROUP BY m.organization_id, r.member_id";
        assertThat(single(
                        c,
                        "SELECT COUNT(*) FROM ((SELECT organization_id, member_id, last_message_at FROM members EXCEPT "
                                + members + ") UNION ALL (" + members
                                + " EXCEPT SELECT organization_id, member_id, last_message_at FROM members)) d"))
                .isZero();
        String terms = "SELECT m.organization_id, r.member_id, LOWER(r.email)"
                + " FROM message_recipients r JOIN messages m ON m.id = r.message_id WHERE r.member_id IS NOT NULL"
                + " UNION SELECT m.organization_id, r.member_id, LOWER(r.name)"
                + " FROM message_recipients r JOIN messages m ON m.id = r.message_id"
                + " WHERE r.member_id IS NOT NULL AND r.name IS NOT NULL AND r.name <> ''"
                + " UNION SELECT m.organization_id, r.member_id, LOWER(r.member_id)"
                + " FROM message_recipients r JOIN messages m ON m.id = r.message_id WHERE r.member_id IS NOT NULL";
        assertThat(single(
                        c,
                        "SELECT COUNT(*) FROM ((SELECT organization_id, member_id, term FROM member_search_terms EXCEPT ("
                                + terms + ")) UNION ALL ((" + terms
                                + ") EXCEPT SELECT organization_id, member_id, term FROM member_search_terms)) d"))
                .isZero();
        // One member per ten emails, give or take the last few joins.
        assertThat(single(c, "SELECT COUNT(*) FROM members")).isBetween(EMAILS / 10L - 30, EMAILS / 10L + 3);
    }

    /** The overview's counts (V21) hold, per organization, UTC day and status, how many messages are there. */
    private static void theOverviewCountsAreEachDaysMessagesPerStatus(Connection c) throws SQLException {
        String counted = "SELECT organization_id, (created_at AT TIME ZONE 'UTC')::date, status, COUNT(*)"
                + " FROM messages GROUP BY 1, 2, 3";
        String kept = "SELECT organization_id, created_on, status, SUM(delta) FROM overview_counts GROUP BY 1, 2, 3";
        assertThat(single(
                        c,
                        "SELECT COUNT(*) FROM ((" + kept + " EXCEPT " + counted + ") UNION ALL (" + counted + " EXCEPT "
                                + kept + ")) d"))
                .isZero();
        assertThat(single(c, "SELECT SUM(delta) FROM overview_counts")).isEqualTo(EMAILS);
    }

    private static void contentsAreTheEmailsOfTheirRecipients(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT mc.content, m.subject, (SELECT string_agg(r.email, ',' ORDER BY r.position)"
                                + " FROM message_recipients r WHERE r.message_id = m.id)"
                                + " FROM message_contents mc JOIN messages m ON m.id = mc.message_id LIMIT 200")) {
            while (rs.next()) {
                Email email = ContractJson.read(rs.getString(1).getBytes(StandardCharsets.UTF_8), Email.class);
                assertThat(email.subject()).isEqualTo(rs.getString(2));
                List<String> addresses = new ArrayList<>();
                email.to().stream().map(Recipient::email).forEach(addresses::add);
                email.cc().stream().map(Recipient::email).forEach(addresses::add);
                assertThat(String.join(",", addresses)).isEqualTo(rs.getString(3));
            }
        }
    }

    private static void theKeysAndIndexesAreBackAsTheMigrationsMadeThem(Connection c) throws SQLException {
        assertThat(single(
                        c,
                        "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ("
                                + "'messages_pkey', 'messages_by_org_and_time', 'activities_by_message',"
                                + " 'recipients_by_member', 'members_by_recency', 'member_search_terms_pkey')"))
                .isEqualTo(6);
        assertThat(single(
                        c,
                        "SELECT COUNT(*) FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid"
                                + " WHERE t.relnamespace = current_schema()::regnamespace AND k.contype = 'f'"
                                + " AND t.relname IN ('message_contents', 'message_recipients', 'message_tags')"))
                .isEqualTo(3);
    }

    private static long count(Connection c, String table) throws SQLException {
        return single(c, "SELECT COUNT(*) FROM " + table);
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
