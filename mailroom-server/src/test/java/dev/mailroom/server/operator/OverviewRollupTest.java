package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.OverviewProperties;
import dev.mailroom.server.support.TestEmails;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The overview's counts as the operator keeps them ({@link OverviewRollup} through {@link MessageStore}), folds them
 * ({@link OverviewCompaction}) and as migration V21 fills them from an older history: at every point, the sum of the
 * rows of an organization, day and status is the number of its messages stored that UTC day that are at that
 * status. On PostgreSQL when the suite runs against it (MAILROOM_IT_EXTERNAL), else on H2.
 */
class OverviewRollupTest {
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));
    /** Half an hour before midnight UTC: emails of one test fall on two days. */
    private static final Instant LATE = Instant.parse("2026-12-01T23:30:00Z");
    /**
     * When this test's emails are due for dispatch: never, for a releaser. On PostgreSQL the database is the suite's,
     * where an end-to-end Mailroom of the same JVM may be running and would dispatch (and raise) emails due before now.
     */
    private static final Duration NEVER_DUE = Duration.ofDays(365L * 100);

    private DataSource db;
    private JdbcTemplate jdbc;
    private TransactionTemplate tx;
    private MessageStore store;
    private String schema;
    private final String org = "org-" + UUID.randomUUID();
    private final String otherOrg = "other-" + UUID.randomUUID();

    @BeforeEach
    void database() {
        db = EXTERNAL
                ? new DriverManagerDataSource(
                        System.getenv("SPRING_DATASOURCE_URL"),
                        System.getenv("SPRING_DATASOURCE_USERNAME"),
                        System.getenv("SPRING_DATASOURCE_PASSWORD"))
                : new DriverManagerDataSource(
                        "jdbc:h2:mem:overview-" + UUID.randomUUID()
                                + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
                        "sa",
                        "");
        jdbc = new JdbcTemplate(db);
        tx = new TransactionTemplate(new DataSourceTransactionManager(db));
        store = new MessageStore(
                jdbc,
                new MailroomProperties(
                        null,
                        null,
                        null,
                        null,
                        new MailroomProperties.Operator(
                                200,
                                2,
                                5,
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(1),
                                Duration.ofHours(24),
                                NEVER_DUE,
                                Duration.ofHours(1),
                                Duration.ofSeconds(5)),
                        null));
    }

    @AfterEach
    void dropTheBackfillSchema() {
        if (schema != null) {
            jdbc.execute("DROP SCHEMA " + schema + " CASCADE");
            ((org.springframework.jdbc.datasource.SingleConnectionDataSource) jdbc.getDataSource()).destroy();
        }
    }

    /** Mailroom's migrations, with the application's locations (the shared database has PostgreSQL's V18). */
    private void migrate() {
        Flyway.configure()
                .dataSource(db)
                .locations("classpath:db/migration", "classpath:db/vendor/" + (EXTERNAL ? "postgresql" : "h2"))
                .load()
                .migrate();
    }

    @Test
    void storedEmailsCountOnceOnTheirUtcDayAndARedeliveredBatchCountsNothing() {
        migrate();
        List<SubmitMessage> lateBatch = List.of(email(org), email(org), email(otherOrg), scheduled(org, LATE));
        List<SubmitMessage> nextDay = List.of(email(org));

        inTransaction(() -> store.insertSubmissions(lateBatch, LATE));
        inTransaction(() -> store.insertSubmissions(nextDay, LATE.plus(1, ChronoUnit.HOURS)));
        // The mailbox redelivers both batches, one of them together with a new email.
        inTransaction(() -> store.insertSubmissions(lateBatch, LATE.plusSeconds(60)));
        List<SubmitMessage> again = new ArrayList<>(nextDay);
        again.add(email(org));
        inTransaction(() -> store.insertSubmissions(again, LATE.plus(2, ChronoUnit.HOURS)));

        LocalDate first = LocalDate.parse("2026-12-01");
        assertThat(counts(org))
                .isEqualTo(Map.of(
                        first, Map.of("ACCEPTED", 2L, "SCHEDULED", 1L), first.plusDays(1), Map.of("ACCEPTED", 2L)));
        assertThat(counts(otherOrg)).isEqualTo(Map.of(first, Map.of("ACCEPTED", 1L)));
        assertThat(counts(org)).isEqualTo(countedFromMessages(org));
    }

    @Test
    void eachStatusChangeMovesItsEmailOnceAndRepeatedOrLowerReportsMoveNothing() {
        migrate();
        List<SubmitMessage> emails =
                IntStream.range(0, 6).mapToObj(i -> email(org)).toList();
        List<UUID> ids = emails.stream().map(SubmitMessage::id).toList();
        inTransaction(() -> store.insertSubmissions(emails, LATE));
        Map<UUID, Integer> firstAttempts = new HashMap<>();
        ids.forEach(id -> firstAttempts.put(id, 1));

        for (int delivery = 0; delivery < 2; delivery++) {
            inTransaction(() -> store.markQueued(firstAttempts, List.of(), store.lockMessages(ids), LATE));
            inTransaction(() -> raise(Map.of(
                    ids.get(0), MessageStatus.DELIVERED,
                    ids.get(1), MessageStatus.DELIVERED,
                    ids.get(2), MessageStatus.CLICKED,
                    ids.get(3), MessageStatus.BOUNCED)));
            // Late and lower: the dispatcher's DISPATCHED after the provider's DELIVERED.
            inTransaction(() -> raise(Map.of(ids.get(0), MessageStatus.DISPATCHED)));
        }
        inTransaction(() -> store.endWithoutSending(ids.get(4), MessageStatus.SUPPRESSED, LATE));
        inTransaction(() -> store.endWithoutSending(ids.get(4), MessageStatus.SUPPRESSED, LATE));

        assertThat(counts(org))
                .isEqualTo(Map.of(
                        LocalDate.parse("2026-12-01"),
                        Map.of("DELIVERED", 2L, "CLICKED", 1L, "BOUNCED", 1L, "SUPPRESSED", 1L, "QUEUED", 1L)));
        assertThat(counts(org)).isEqualTo(countedFromMessages(org));
    }

    @Test
    void aCanceledScheduledEmailAndARetriedFailedOneMoveOnce() {
        migrate();
        SubmitMessage later = scheduled(org, LATE);
        SubmitMessage failing = email(org);
        inTransaction(() -> store.insertSubmissions(List.of(later, failing), LATE));
        inTransaction(() -> raise(Map.of(failing.id(), MessageStatus.FAILED)));
        DecisionStore decisions = new DecisionStore(jdbc);

        for (int i = 0; i < 2; i++) {
            inTransaction(() -> store.cancelScheduled(later.id(), org, LATE));
            inTransaction(() -> decisions.restartDispatch(failing.id(), LATE.plus(NEVER_DUE)));
        }

        assertThat(counts(org)).isEqualTo(Map.of(LocalDate.parse("2026-12-01"), Map.of("CANCELED", 1L, "QUEUED", 1L)));
        assertThat(counts(org)).isEqualTo(countedFromMessages(org));
    }

    @Test
    void compactionFoldsTheRowsOfEachDayAndStatusIntoOneWithoutChangingAnySum() {
        migrate();
        for (int batch = 0; batch < 5; batch++) {
            List<SubmitMessage> emails = List.of(email(org), email(org), email(otherOrg));
            Instant at = LATE.plus(batch * 20L, ChronoUnit.MINUTES);
            inTransaction(() -> store.insertSubmissions(emails, at));
            Map<UUID, Integer> attempts = new HashMap<>();
            emails.forEach(e -> attempts.put(e.id(), 1));
            inTransaction(() -> store.markQueued(attempts, List.of(), store.lockMessages(attempts.keySet()), at));
            inTransaction(() -> raise(Map.of(emails.get(0).id(), MessageStatus.DELIVERED)));
        }
        Map<LocalDate, Map<String, Long>> before = counts(org);
        int rowsBefore = rows(org);

        int groups = before.values().stream().mapToInt(Map::size).sum();
        assertThat(rowsBefore).isGreaterThan(groups);

        assertThat(compaction().compactNow()).isPositive();

        assertThat(counts(org)).isEqualTo(before).isEqualTo(countedFromMessages(org));
        assertThat(counts(otherOrg)).isEqualTo(countedFromMessages(otherOrg));
        // One row per day and status left, none for the statuses every email has left (ACCEPTED sums to 0), and
        // nothing more to fold.
        assertThat(rows(org)).isEqualTo(groups);
        compaction().compactNow();
        assertThat(rows(org)).isEqualTo(groups);
        assertThat(counts(org)).isEqualTo(before);
    }

    /**
     * Two operators storing emails and raising statuses of shared emails, in random orders, while two compactions
     * fold (one on H2, which only ever has one operator process): nobody deadlocks, and every count is still the
     * messages' own.
     */
    @Test
    void concurrentOperatorBatchesAndCompactionsNeitherDeadlockNorMiscount() throws Exception {
        migrate();
        List<SubmitMessage> shared =
                IntStream.range(0, 40).mapToObj(i -> email(org)).toList();
        inTransaction(() -> store.insertSubmissions(shared, LATE));
        List<MessageStatus> raises = List.of(
                MessageStatus.QUEUED,
                MessageStatus.DISPATCHED,
                MessageStatus.DELIVERED,
                MessageStatus.OPENED,
                MessageStatus.CLICKED,
                MessageStatus.BOUNCED);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> operators = new ArrayList<>();
            for (int operator = 0; operator < 2; operator++) {
                long seed = operator;
                operators.add(threads.submit(() -> {
                    Random random = new Random(seed);
                    for (int batch = 0; batch < 60; batch++) {
                        List<SubmitMessage> fresh = List.of(email(org), email(otherOrg));
                        Instant at = LATE.plus(batch, ChronoUnit.MINUTES);
                        Map<UUID, MessageStatus> best = new HashMap<>();
                        List<SubmitMessage> some = new ArrayList<>(shared);
                        Collections.shuffle(some, random);
                        some.subList(0, 10).forEach(s -> best.put(s.id(), raises.get(random.nextInt(raises.size()))));
                        inTransaction(() -> {
                            store.insertSubmissions(fresh, at);
                            raise(best);
                        });
                    }
                    return null;
                }));
            }
            List<Future<?>> compactions = new ArrayList<>();
            for (int c = 0; c < (EXTERNAL ? 2 : 1); c++) {
                OverviewCompaction compaction = compaction();
                compactions.add(threads.submit(() -> {
                    while (writing.get()) {
                        compaction.compactNow();
                    }
                    return null;
                }));
            }
            for (Future<?> operator : operators) {
                operator.get(2, TimeUnit.MINUTES);
            }
            writing.set(false);
            for (Future<?> compaction : compactions) {
                compaction.get(2, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(counts(org)).isEqualTo(countedFromMessages(org));
        assertThat(counts(otherOrg)).isEqualTo(countedFromMessages(otherOrg));
        assertThat(counts(org).values().stream()
                        .flatMap(m -> m.values().stream())
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(40 + 2 * 60);
    }

    /**
     * V21 counts the history stored before it by the UTC day of each email, whatever the database session's time
     * zone: on H2 in a database of its own, on PostgreSQL in a schema of its own.
     */
    @Test
    void migrationV21CountsTheEmailsStoredBeforeItOnTheirUtcDays() {
        if (EXTERNAL) {
            schema = "overview_backfill_" + UUID.randomUUID().toString().replace("-", "");
        }
        migrateBackfillDatabase("19");
        storedBeforeV21(org, LATE, "DELIVERED", 50);
        storedBeforeV21(org, LATE.minusSeconds(60), "DELIVERED", 50);
        storedBeforeV21(org, LATE.plus(1, ChronoUnit.HOURS), "DELIVERED", 50);
        storedBeforeV21(org, LATE.plus(1, ChronoUnit.HOURS), "BOUNCED", 90);
        storedBeforeV21(otherOrg, LATE, "CLICKED", 70);

        migrateBackfillDatabase(null);

        LocalDate first = LocalDate.parse("2026-12-01");
        assertThat(counts(org))
                .isEqualTo(Map.of(
                        first, Map.of("DELIVERED", 2L), first.plusDays(1), Map.of("DELIVERED", 1L, "BOUNCED", 1L)));
        assertThat(counts(otherOrg)).isEqualTo(Map.of(first, Map.of("CLICKED", 1L)));
    }

    /**
     * Migrates the test's own database (H2) or schema (PostgreSQL), up to {@code target} (null: all), in a session
     * whose time zone is 8 hours behind UTC, where 23:30 UTC is still the same day but 00:30 UTC is the day before.
     */
    private void migrateBackfillDatabase(String target) {
        var flyway = Flyway.configure()
                .dataSource(db)
                .locations("classpath:db/migration", "classpath:db/vendor/" + (EXTERNAL ? "postgresql" : "h2"))
                .initSql("SET TIME ZONE 'America/Los_Angeles'");
        if (schema != null) {
            flyway.schemas(schema).defaultSchema(schema);
        }
        if (target != null) {
            flyway.target(target);
        }
        flyway.load().migrate();
        if (schema != null
                && !(jdbc.getDataSource() instanceof org.springframework.jdbc.datasource.SingleConnectionDataSource)) {
            // This test's queries see the schema's tables, the shared ones of the same names behind them.
            jdbc = new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(
                    System.getenv("SPRING_DATASOURCE_URL")
                            + (System.getenv("SPRING_DATASOURCE_URL").contains("?") ? "&" : "?")
                            + "currentSchema=" + schema,
                    System.getenv("SPRING_DATASOURCE_USERNAME"),
                    System.getenv("SPRING_DATASOURCE_PASSWORD"),
                    true));
        }
    }

    private void storedBeforeV21(String organization, Instant at, String status, int rank) {
        UUID id = UUID.randomUUID();
        OffsetDateTime time = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        jdbc.update(
                "INSERT INTO messages (id, organization_id, from_email, subject, status, status_rank, submitted_at,"
                        + " created_at, updated_at) VALUES (?, ?, 'app@example.com', 'Hi', ?, ?, ?, ?, ?)",
                id,
                organization,
                status,
                rank,
                time,
                time,
                time);
    }

    private OverviewCompaction compaction() {
        return new OverviewCompaction(jdbc, tx, new OverviewProperties(Duration.ofMinutes(1), 1000));
    }

    /** What an ActivityRecorder transaction does: lock the messages, then raise their statuses. */
    private void raise(Map<UUID, MessageStatus> best) {
        Map<UUID, MessageStore.Locked> locked = store.lockForRecording(best.keySet());
        store.raiseStatuses(best, List.of(), locked, LATE);
    }

    private void inTransaction(Runnable work) {
        tx.executeWithoutResult(status -> work.run());
    }

    /** The overview's counts of an organization: per day, per status, zeros left out. */
    private Map<LocalDate, Map<String, Long>> counts(String organization) {
        Map<LocalDate, Map<String, Long>> counts = new TreeMap<>();
        jdbc.query(
                "SELECT created_on, status, SUM(delta) AS n FROM overview_counts WHERE organization_id = ?"
                        + " GROUP BY created_on, status",
                rs -> {
                    long n = rs.getLong("n");
                    if (n != 0) {
                        counts.computeIfAbsent(rs.getObject("created_on", LocalDate.class), d -> new TreeMap<>())
                                .put(rs.getString("status"), n);
                    }
                },
                organization);
        return counts;
    }

    private int rows(String organization) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM overview_counts WHERE organization_id = ?", Integer.class, organization);
    }

    /** The organization's messages counted straight from the table: per UTC day of created_at, per status. */
    private Map<LocalDate, Map<String, Long>> countedFromMessages(String organization) {
        Map<LocalDate, Map<String, Long>> counted = new TreeMap<>();
        jdbc.query(
                "SELECT created_at, status FROM messages WHERE organization_id = ?",
                rs -> {
                    LocalDate day = dev.mailroom.server.UtcDay.of(
                            rs.getObject("created_at", OffsetDateTime.class).toInstant());
                    counted.computeIfAbsent(day, d -> new TreeMap<>()).merge(rs.getString("status"), 1L, Long::sum);
                },
                organization);
        return counted;
    }

    private static SubmitMessage email(String organization) {
        return scheduled(organization, null);
    }

    private static SubmitMessage scheduled(String organization, Instant now) {
        Email email = TestEmails.to(Recipient.of("ada@example.org"));
        return new SubmitMessage(
                UUID.randomUUID(), organization, LATE, email, now == null ? null : now.plus(NEVER_DUE), null);
    }
}
