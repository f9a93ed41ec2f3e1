package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.support.TestEmails;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The member list's read model on the real schema (Mailroom's migrations on H2): what the operator writes as it
 * stores emails, and what migration V17 fills from the recipients an installation stored before it.
 */
class MemberReadModelTest {
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));
    private static final Instant T1 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant T2 = T1.plus(1, ChronoUnit.HOURS);

    private DriverManagerDataSource db;
    private JdbcTemplate jdbc;
    private MemberReadModel model;

    @BeforeEach
    void database() {
        db = new DriverManagerDataSource(
                "jdbc:h2:mem:members-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1", "sa", "");
        jdbc = new JdbcTemplate(db);
        model = new MemberReadModel(jdbc);
    }

    @Test
    void aMembersNewestEmailTimeFollowsTheirNewestEmailAndARedeliveredOlderOneChangesNothing() {
        migrate(null);
        SubmitMessage first = email("org-a", new Recipient("Ada@Example.org", "Ada Lovelace", "m-1"));
        SubmitMessage second = email("org-a", new Recipient("ada@work.example", null, "m-1"));

        model.emailsStored(List.of(first), T1);
        model.emailsStored(List.of(second), T2);
        model.emailsStored(List.of(first), T1);

        assertThat(newest("org-a", "m-1")).isEqualTo(T2);
        assertThat(terms("org-a", "m-1")).containsExactly("ada lovelace", "ada@example.org", "ada@work.example", "m-1");
    }

    @Test
    void theSameMemberIdInTwoOrganizationsIsTwoMembers() {
        migrate(null);

        model.emailsStored(List.of(email("org-a", new Recipient("a@example.org", null, "shared"))), T1);
        model.emailsStored(List.of(email("org-b", new Recipient("b@example.org", null, "shared"))), T2);

        assertThat(newest("org-a", "shared")).isEqualTo(T1);
        assertThat(newest("org-b", "shared")).isEqualTo(T2);
        assertThat(terms("org-a", "shared")).containsExactly("a@example.org", "shared");
    }

    @Test
    void recipientsWithoutAMemberIdAddNoMember() {
        migrate(null);

        model.emailsStored(List.of(email("org-a", Recipient.of("nobody@example.org"))), T1);

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM members", Integer.class))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM member_search_terms", Integer.class))
                .isZero();
    }

    @Test
    void aNameLongerInLowerCaseThanTheColumnIsCutNotRefused() {
        migrate(null);
        // 'İ' is one character, and two in lower case: 256 of them are a valid name and 512 characters of term.
        String name = "İ".repeat(256);

        model.emailsStored(List.of(email("org-a", new Recipient("long@example.org", name, "m-long"))), T1);

        assertThat(terms("org-a", "m-long"))
                .contains("long@example.org")
                .anySatisfy(term -> assertThat(term).hasSize(320).startsWith("i̇i̇"));
    }

    /**
     * Two operators storing batches that name the same members, each batch in its own order: each transaction takes
     * the members' row locks in one order, so they wait for each other and never deadlock. On PostgreSQL when the
     * test suite runs against it (MAILROOM_IT_EXTERNAL), else on H2.
     */
    @Test
    void concurrentBatchesNamingTheSameMembersNeitherDeadlockNorLoseTheNewestTime() throws Exception {
        DataSource shared = EXTERNAL
                ? new DriverManagerDataSource(
                        System.getenv("SPRING_DATASOURCE_URL"),
                        System.getenv("SPRING_DATASOURCE_USERNAME"),
                        System.getenv("SPRING_DATASOURCE_PASSWORD"))
                : db;
        // The application's own locations: the shared database has PostgreSQL's V18 applied by the suite's other
        // tests, which Flyway refuses to find missing.
        Flyway.configure()
                .dataSource(shared)
                .locations("classpath:db/migration", "classpath:db/vendor/" + (EXTERNAL ? "postgresql" : "h2"))
                .load()
                .migrate();
        JdbcTemplate sharedJdbc = new JdbcTemplate(shared);
        MemberReadModel writer = new MemberReadModel(sharedJdbc);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(shared));
        String org = "org-" + UUID.randomUUID();
        List<String> memberIds = IntStream.range(0, 20).mapToObj(i -> "m-" + i).toList();

        ExecutorService operators = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int operator = 0; operator < 2; operator++) {
                long seed = operator;
                done.add(operators.submit(() -> {
                    Random random = new Random(seed);
                    for (int batch = 0; batch < 100; batch++) {
                        List<String> order = new ArrayList<>(memberIds);
                        Collections.shuffle(order, random);
                        List<SubmitMessage> emails = order.stream()
                                .map(m -> email(org, new Recipient(m + "@example.org", null, m)))
                                .toList();
                        Instant at = T1.plusSeconds(batch * 2L + seed);
                        tx.executeWithoutResult(status -> writer.emailsStored(emails, at));
                    }
                    return null;
                }));
            }
            for (Future<?> operator : done) {
                operator.get(2, TimeUnit.MINUTES);
            }
        } finally {
            operators.shutdownNow();
        }

        assertThat(sharedJdbc.queryForList(
                        "SELECT DISTINCT last_message_at FROM members WHERE organization_id = ?",
                        java.time.OffsetDateTime.class,
                        org))
                .singleElement()
                .satisfies(t -> assertThat(t.toInstant()).isEqualTo(T1.plusSeconds(99 * 2L + 1)));
        assertThat(sharedJdbc.queryForObject(
                        "SELECT COUNT(*) FROM member_search_terms WHERE organization_id = ?", Integer.class, org))
                .as("each of the 20 members' address and id, once")
                .isEqualTo(40);
    }

    @Test
    void migrationsV17V22AndV23FillTheModelTheRecipientsOrganizationAndTheIdTermsFromWhatWasStoredBeforeThem() {
        migrate("16");
        UUID older = storedBeforeV17("org-a", T1, "m-1", "ada@example.org", "Ada");
        storedBeforeV17("org-a", T2, "m-1", "ADA@work.example", null);
        storedBeforeV17("org-b", T1, "m-1", "other@example.org", "Other");
        storedBeforeV17("org-a", T2, null, "anonymous@example.org", null);

        migrate(null);

        assertThat(older).isNotNull();
        assertThat(newest("org-a", "m-1")).isEqualTo(T2);
        assertThat(newest("org-b", "m-1")).isEqualTo(T1);
        assertThat(terms("org-a", "m-1")).containsExactly("ada", "ada@example.org", "ada@work.example", "m-1");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM members", Integer.class))
                .isEqualTo(2);
        // V22: each recipient row carries its email's organization, for the (organization, member) index.
        assertThat(jdbc.queryForList(
                        "SELECT r.organization_id FROM message_recipients r JOIN messages m ON m.id = r.message_id"
                                + " WHERE r.organization_id <> m.organization_id OR r.organization_id IS NULL"))
                .isEmpty();
        assertThat(jdbc.queryForObject(
                        "SELECT organization_id FROM message_recipients WHERE message_id = ?", String.class, older))
                .isEqualTo("org-a");
    }

    private void migrate(String target) {
        var flyway = Flyway.configure().dataSource(db).locations("classpath:db/migration", "classpath:db/vendor/h2");
        if (target != null) {
            flyway.target(target);
        }
        flyway.load().migrate();
    }

    private UUID storedBeforeV17(String org, Instant at, String member, String address, String name) {
        UUID id = UUID.randomUUID();
        Timestamp time = Timestamp.from(at);
        jdbc.update(
                "INSERT INTO messages (id, organization_id, from_email, subject, status, status_rank, submitted_at,"
                        + " created_at, updated_at) VALUES (?, ?, 'app@example.com', 'Hi', 'DELIVERED', 70, ?, ?, ?)",
                id,
                org,
                time,
                time,
                time);
        jdbc.update(
                "INSERT INTO message_recipients (message_id, position, kind, email, name, member_id)"
                        + " VALUES (?, 0, 'to', ?, ?, ?)",
                id,
                address,
                name,
                member);
        return id;
    }

    private Instant newest(String org, String member) {
        return jdbc.queryForObject(
                        "SELECT last_message_at FROM members WHERE organization_id = ? AND member_id = ?",
                        java.time.OffsetDateTime.class,
                        org,
                        member)
                .toInstant();
    }

    private List<String> terms(String org, String member) {
        return jdbc.queryForList(
                "SELECT term FROM member_search_terms WHERE organization_id = ? AND member_id = ? ORDER BY term",
                String.class,
                org,
                member);
    }

    private static SubmitMessage email(String org, Recipient to) {
        Email email = TestEmails.to(to);
        return new SubmitMessage(UUID.randomUUID(), org, T1, email, null, null);
    }
}
