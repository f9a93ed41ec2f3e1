package dev.mailroom.server.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.server.support.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The api role reading the email history from a PostgreSQL streaming replica (issue 15, item 7), and writing its
 * accounts through a user of their own while its main user may only read (item 5's gap), as OS processes of the real
 * jar: an operator on the primary (as the database's owner) and an {@code api} process with
 * <ul>
 *   <li>{@code spring.datasource} = the primary, as a user that may only SELECT;
 *   <li>{@code mailroom.api.datasource.url} = a streaming replica of the primary (made here by
 *       {@code pg_basebackup}, its own data directory under {@code target/}, its own port; user and password fall back
 *       to the main datasource's: the same read-only user);
 *   <li>{@code mailroom.accounts.datasource.username/password} = a user that may change only the accounts' and
 *       sessions' tables (the grants of docs/deployment.md; the URL falls back to the primary's).
 * </ul>
 * The replica's replay is paused while the test checks what must come from where, so that nothing depends on how
 * far behind the replica happens to be: history not replayed yet answers 404, what the API wrote (a key, a
 * suppression the operator added at its request) is read back at once.
 *
 * <p>Runs with {@code MAILROOM_IT_EXTERNAL=true} and {@code SPRING_*} naming RabbitMQ and PostgreSQL 15 (as
 * {@code .ci/run} does), as root (it runs PostgreSQL's tools as the {@code postgres} user, whose peer authentication
 * Debian's {@code pg_hba.conf} allows for replication). It works in a database, two database users and a vhost of
 * its own, and removes them, and the replica, afterwards, also when it fails.
 */
class ReplicaReadsIT {
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));
    private static final boolean TOOLS_REQUIRED = "true".equalsIgnoreCase(System.getenv("MAILROOM_TOOLS_REQUIRED"));
    private static final Path PG_BIN =
            Path.of(Optional.ofNullable(System.getenv("MAILROOM_IT_PG_BIN")).orElse("/usr/lib/postgresql/15/bin"));
    private static final String DATABASE = "mailroom_replica_it";
    private static final String READER = "mailroom_replica_it_reader";
    private static final String ACCOUNTS = "mailroom_replica_it_accounts";
    private static final String VHOST = "mailroom-replica-it";
    private static final String READER_PASSWORD = "reader-" + UUID.randomUUID();
    private static final String ACCOUNTS_PASSWORD = "accounts-" + UUID.randomUUID();
    private static final String API_KEY = "replica-it-" + UUID.randomUUID();
    private static final String SANDBOX_SECRET = "whsec_replica_it_" + UUID.randomUUID();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** PostgreSQL's SQLSTATEs: a write in a read-only transaction (a hot standby), and a privilege missing. */
    private static final String READ_ONLY_SQL_TRANSACTION = "25006";

    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private static final List<ChildMailroom> children = new CopyOnWriteArrayList<>();

    private static String why;
    private static Primary primary;
    private static Path workDir;
    private static Path standbyDir;
    private static int standbyPort;
    private static volatile Long standbyPid;
    private static CompletableFuture<Void> standbyStarting;
    private static ApiClient api;
    private static boolean vhostCreated;
    private static boolean databaseCreated;

    /** The primary, from the variables Spring Boot reads. */
    private record Primary(String host, int port, String user, String password) {
        static Primary fromEnvironment() {
            URI uri = URI.create(System.getenv("SPRING_DATASOURCE_URL").substring("jdbc:".length()));
            return new Primary(
                    uri.getHost(),
                    uri.getPort() < 0 ? 5432 : uri.getPort(),
                    System.getenv("SPRING_DATASOURCE_USERNAME"),
                    System.getenv("SPRING_DATASOURCE_PASSWORD"));
        }

        String url() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + DATABASE;
        }
    }

    @BeforeAll
    static void startPrimaryReplicaAndProcesses() throws Exception {
        why = reasonToSkip();
        if (why != null) {
            if (EXTERNAL && TOOLS_REQUIRED) {
                fail(why);
            }
            return; // the tests report the skip, with the reason
        }
        primary = Primary.fromEnvironment();
        Path jar = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar"))
                .toAbsolutePath();
        assertThat(jar).as("the repackaged jar").isRegularFile();
        // Under the system's temporary directory, not target/: pg_basebackup and the standby run as postgres, who must
        // be able to walk down to the directory, and a clone may sit under a directory only root can enter (mktemp -d
        // makes it 0700). One directory per clone, the same on every run, so that a standby a killed run left behind is
        // found and stopped.
        workDir = Path.of(System.getProperty("java.io.tmpdir"))
                .resolve("mailroom-replica-it-"
                        + Integer.toHexString(jar.getParent().toString().hashCode()));
        standbyDir = workDir.resolve("standby");
        stopStaleStandby();
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        // pg_basebackup and the replica run as postgres: the directory is theirs (target/ stays root's).
        UserPrincipal postgres =
                workDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(workDir, postgres);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            children.forEach(c -> c.process().destroyForcibly());
            stopStandby();
        }));
        long t0 = System.nanoTime();

        // A database, two users and a vhost of this test's own.
        psqlPrimary(
                "postgres",
                "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)",
                "CREATE DATABASE " + DATABASE + " OWNER \"" + primary.user() + "\"");
        databaseCreated = true;
        for (String[] user :
                List.of(new String[] {READER, READER_PASSWORD}, new String[] {ACCOUNTS, ACCOUNTS_PASSWORD})) {
            psqlPrimary(
                    "postgres",
                    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + user[0]
                            + "') THEN CREATE ROLE " + user[0] + "; END IF; END $$",
                    "ALTER ROLE " + user[0] + " WITH LOGIN PASSWORD '" + user[1] + "'");
        }
        run(List.of("rabbitmqctl", "-q", "delete_vhost", VHOST), true);
        run(List.of("rabbitmqctl", "-q", "add_vhost", VHOST), false);
        vhostCreated = true;
        run(
                List.of(
                        "rabbitmqctl",
                        "-q",
                        "set_permissions",
                        "-p",
                        VHOST,
                        env("SPRING_RABBITMQ_USERNAME", "guest"),
                        ".*",
                        ".*",
                        ".*"),
                false);

        // The replica is copied while the operator starts: the schema it migrates and the grants below reach the
        // replica by streaming, like everything after them.
        standbyStarting = CompletableFuture.runAsync(() -> {
            try {
                startStandby();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        // The operator migrates the schema (as the owner), then the API's users get the grants of docs/deployment.md.
        ChildMailroom operator = start(
                "operator",
                "operator",
                List.of(
                        "--spring.datasource.url=" + primary.url(),
                        "--spring.datasource.username=" + primary.user(),
                        "--spring.datasource.password=" + primary.password()));
        ChildMailroom.awaitHealthy(List.of(operator), START_TIMEOUT);
        System.out.printf("[replica] operator healthy (schema migrated) after %.1f s%n", seconds(t0));
        psqlPrimary(
                DATABASE,
                "GRANT USAGE ON SCHEMA public TO " + READER + ", " + ACCOUNTS,
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + READER + ", " + ACCOUNTS,
                "GRANT INSERT, UPDATE, DELETE ON organizations, users, memberships, api_keys, send_counts,"
                        + " webhook_endpoints, webhook_secrets, spring_session, spring_session_attributes TO "
                        + ACCOUNTS);

        try {
            standbyStarting.get(3, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the replica did not start: " + e.getCause(), e.getCause());
        }
        System.out.printf(
                "[replica] streaming replica on 127.0.0.1:%d (pid %d) after %.1f s%n",
                standbyPort, standbyPid, seconds(t0));

        int apiPort = ChildMailroom.freePort();
        ChildMailroom apiProcess = start(
                "api",
                "api",
                List.of(
                        "--spring.datasource.url=" + primary.url(),
                        "--spring.datasource.username=" + READER,
                        "--spring.datasource.password=" + READER_PASSWORD,
                        // The user and password are the main datasource's: the same read-only user.
                        "--mailroom.api.datasource.url=" + standbyUrl(),
                        // The URL is the main datasource's: the primary.
                        "--mailroom.accounts.datasource.username=" + ACCOUNTS,
                        "--mailroom.accounts.datasource.password=" + ACCOUNTS_PASSWORD,
                        "--mailroom.api.bootstrap-key=" + API_KEY),
                apiPort);
        ChildMailroom.awaitHealthy(List.of(apiProcess), START_TIMEOUT);
        api = new ApiClient(apiPort).as(API_KEY);
        System.out.printf("[replica] api healthy after %.1f s%n", seconds(t0));
    }

    @AfterAll
    static void stopEverything() {
        for (ChildMailroom c : children) {
            c.process().destroy();
        }
        for (ChildMailroom c : children) {
            try {
                if (!c.process().waitFor(30, TimeUnit.SECONDS)) {
                    c.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.process().destroyForcibly();
            }
        }
        children.clear();
        if (standbyStarting != null) {
            try {
                // A copy still being made when the start failed: let it end, so that its replica is stopped too.
                standbyStarting.get(3, TimeUnit.MINUTES);
            } catch (Exception e) {
                System.out.println("[replica] starting the replica: " + e);
            }
        }
        stopStandby();
        try {
            if (databaseCreated) {
                psqlPrimary("postgres", "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
                psqlPrimary("postgres", "DROP ROLE IF EXISTS " + READER, "DROP ROLE IF EXISTS " + ACCOUNTS);
            }
            if (vhostCreated) {
                run(List.of("rabbitmqctl", "-q", "delete_vhost", VHOST), true);
            }
            if (workDir != null) {
                deleteRecursively(workDir);
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("[replica] cleaning up: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theApiReadsHistoryFromTheReplicaAndWhatItWroteItselfFromThePrimary() throws Exception {
        assumeTrue(why == null, why);
        // Replicated: the API shows an email once the replica has it.
        String first =
                api.submit(ApiClient.email("ada@example.org", "{\"provider\":\"sandbox\",\"tags\":[\"replica-it\"]}"));
        await().atMost(WAIT).untilAsserted(() -> {
            ApiClient.Response got = api.get("/api/v1/messages/" + first);
            assertThat(got.status()).as(got.body()).isEqualTo(200);
            assertThat(got.json().path("activities").toString()).contains("ACCEPTED");
        });
        // Its history reads are the replica's: its pool's sessions are there, as the read-only user.
        assertThat(standbyScalar(
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE usename = ? AND datname = ?", READER, DATABASE))
                .as("connections of the API's history pool on the replica")
                .isPositive();

        pauseReplay();
        try {
            // Not replayed yet: recorded on the primary, a 404 through the API (as before the operator records it).
            String second = api.submit(
                    ApiClient.email("bob@example.org", "{\"provider\":\"sandbox\",\"tags\":[\"replica-it\"]}"));
            await().atMost(WAIT)
                    .until(() -> primaryScalar("SELECT COUNT(*) FROM messages WHERE id = ?::uuid", second) == 1);
            ApiClient.Response missing = api.get("/api/v1/messages/" + second);
            assertThat(missing.status()).as(missing.body()).isEqualTo(404);
            assertThat(missing.contentType()).startsWith("application/problem+json");
            assertThat(api.get("/api/v1/messages?tag=replica-it").body())
                    .contains(first)
                    .doesNotContain(second);

            // Read after its own write: a key created is listed and works at once, though the replica has not got it.
            ApiClient.Response created = api.post("/api/v1/keys", "{\"name\":\"replica-it\",\"scopes\":[\"read\"]}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String prefix = created.json().path("key").path("prefix").asString();
            String secret = created.json().path("secret").asString();
            assertThat(api.get("/api/v1/keys").body()).contains(prefix);
            ApiClient.Response withNewKey = api.as(secret).get("/api/v1/messages/" + first);
            assertThat(withNewKey.status()).as(withNewKey.body()).isEqualTo(200);
            assertThat(primaryScalar("SELECT COUNT(*) FROM api_keys WHERE prefix = ?", prefix))
                    .as("the key on the primary")
                    .isEqualTo(1);
            assertThat(standbyScalar("SELECT COUNT(*) FROM api_keys WHERE prefix = ?", prefix))
                    .as("the key on the paused replica")
                    .isZero();

            // A request that changes something reads from the primary: the suppression the operator just added is
            // answered, while a GET (the replica) does not find it yet.
            String suppressed = "paused-" + UUID.randomUUID() + "@example.org";
            ApiClient.Response added = api.post("/api/v1/suppressions", "{\"email\":\"" + suppressed + "\"}");
            assertThat(added.status()).as(added.body()).isEqualTo(201);
            assertThat(added.json().path("email").asString()).isEqualTo(suppressed);
            String suppressionPath = "/api/v1/suppressions/" + URLEncoder.encode(suppressed, StandardCharsets.UTF_8);
            assertThat(api.get(suppressionPath).status()).isEqualTo(404);

            resumeReplay();
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(api.get("/api/v1/messages/" + second).status()).isEqualTo(200);
                assertThat(api.get(suppressionPath).status()).isEqualTo(200);
            });
        } finally {
            resumeReplay();
        }
    }

    @Test
    void neitherTheReplicaNorTheApisMainUserCanWrite() throws Exception {
        assumeTrue(why == null, why);
        // The replica refuses every write, even the owner's.
        try (Connection standby = DriverManager.getConnection(standbyUrl(), primary.user(), primary.password())) {
            SQLException refused = catchThrowableOfType(
                    SQLException.class,
                    () -> standby.createStatement().executeUpdate("DELETE FROM settings WHERE name = 'replica-it'"));
            assertThat((Throwable) refused).as("a write on the replica").isNotNull();
            assertThat(refused.getSQLState()).isEqualTo(READ_ONLY_SQL_TRANSACTION);
        }
        // The API's main user reads and cannot write the history on the primary; its accounts user cannot either.
        for (String[] user :
                List.of(new String[] {READER, READER_PASSWORD}, new String[] {ACCOUNTS, ACCOUNTS_PASSWORD})) {
            try (Connection db = DriverManager.getConnection(primary.url(), user[0], user[1])) {
                try (ResultSet rows = db.createStatement().executeQuery("SELECT COUNT(*) FROM messages")) {
                    assertThat(rows.next()).isTrue();
                }
                SQLException refused = catchThrowableOfType(
                        SQLException.class,
                        () -> db.createStatement().executeUpdate("DELETE FROM messages WHERE id IS NULL"));
                assertThat((Throwable) refused)
                        .as("%s deleting messages", user[0])
                        .isNotNull();
                assertThat(refused.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ the replica

    private static String reasonToSkip() {
        if (!EXTERNAL) {
            return "needs RabbitMQ and PostgreSQL 15: set MAILROOM_IT_EXTERNAL=true and SPRING_RABBITMQ_* /"
                    + " SPRING_DATASOURCE_* (see .ci/run)";
        }
        String url = System.getenv("SPRING_DATASOURCE_URL");
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            return "SPRING_DATASOURCE_URL names no PostgreSQL database";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "runs PostgreSQL's tools as the postgres user: must run as root (as .ci/run does)";
        }
        if (!Files.isExecutable(PG_BIN.resolve("pg_basebackup")) || !Files.isExecutable(PG_BIN.resolve("pg_ctl"))) {
            return "no pg_basebackup/pg_ctl in " + PG_BIN + " (MAILROOM_IT_PG_BIN)";
        }
        return null;
    }

    /**
     * Copies the primary with pg_basebackup (streaming its WAL, writing the standby's settings: {@code -R}) and
     * starts it as a hot standby on a port of its own. Debian keeps postgresql.conf and pg_hba.conf out of the data
     * directory, so the copy gets its own. The settings a standby must have at least as high as its primary are the
     * primary's.
     */
    private static void startStandby() throws IOException, InterruptedException, SQLException {
        asPostgres(
                List.of(
                        PG_BIN.resolve("pg_basebackup").toString(),
                        "-p",
                        Integer.toString(primary.port()),
                        "-D",
                        standbyDir.toString(),
                        "-X",
                        "stream",
                        "-c",
                        "fast",
                        "-R"),
                Duration.ofSeconds(120));
        standbyPort = ChildMailroom.freePort();
        List<String> conf = new ArrayList<>(List.of(
                "port = " + standbyPort,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + workDir + "'",
                "hot_standby = on",
                "fsync = off",
                "logging_collector = off"));
        try (Connection db = openPrimary(primary.user(), primary.password())) {
            for (String name : List.of(
                    "max_connections",
                    "max_worker_processes",
                    "max_wal_senders",
                    "max_prepared_transactions",
                    "max_locks_per_transaction")) {
                try (ResultSet rs = db.createStatement().executeQuery("SHOW " + name)) {
                    rs.next();
                    conf.add(name + " = " + rs.getString(1));
                }
            }
        }
        writeAsPostgres(standbyDir.resolve("postgresql.conf"), String.join("\n", conf) + "\n");
        writeAsPostgres(
                standbyDir.resolve("pg_hba.conf"),
                "local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n");
        writeAsPostgres(standbyDir.resolve("pg_ident.conf"), "");
        asPostgres(
                List.of(
                        PG_BIN.resolve("pg_ctl").toString(),
                        "-D",
                        standbyDir.toString(),
                        "-l",
                        workDir.resolve("standby.log").toString(),
                        "-w",
                        "-t",
                        "60",
                        "start"),
                Duration.ofSeconds(90));
        standbyPid = Long.parseLong(
                Files.readAllLines(standbyDir.resolve("postmaster.pid")).get(0).trim());
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> standbyScalar("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END") == 1);
    }

    /** Stops the replica by its PID (fast shutdown, as the postgres user), waiting for it to be gone. */
    private static synchronized void stopStandby() {
        if (standbyPid == null) {
            return;
        }
        long pid = standbyPid;
        standbyPid = null;
        try {
            asPostgres(List.of("kill", "-INT", Long.toString(pid)), Duration.ofSeconds(10));
            Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
            if (postmaster.isPresent()) {
                postmaster.get().onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            System.out.println("[replica] fast shutdown of pid " + pid + " failed (" + e + "); killing it");
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** A replica a killed run left behind, found by the PID in its data directory. */
    private static void stopStaleStandby() throws IOException {
        Path pidFile = standbyDir.resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            if (ProcessHandle.of(pid)
                    .flatMap(p -> p.info().command())
                    .filter(c -> c.endsWith("postgres"))
                    .isPresent()) {
                standbyPid = pid;
                stopStandby();
            }
        }
    }

    /**
     * From here on the replica applies no more WAL ("pause requested" already holds the next record back; "paused"
     * follows when one arrives).
     */
    private static void pauseReplay() throws IOException, InterruptedException {
        psqlStandby("SELECT pg_wal_replay_pause()");
        assertThat(psqlStandby("SELECT pg_get_wal_replay_pause_state()").trim()).isIn("pause requested", "paused");
    }

    private static void resumeReplay() throws IOException, InterruptedException {
        psqlStandby("SELECT pg_wal_replay_resume()");
    }

    private static String standbyUrl() {
        return "jdbc:postgresql://127.0.0.1:" + standbyPort + "/" + DATABASE;
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static ChildMailroom start(String name, String roles, List<String> extraArgs) throws IOException {
        return start(name, roles, extraArgs, ChildMailroom.freePort());
    }

    private static ChildMailroom start(String name, String roles, List<String> extraArgs, int port) throws IOException {
        Path jar = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar"))
                .toAbsolutePath();
        Path dir = jar.getParent().resolve("replica-it-processes");
        if (children.isEmpty()) {
            deleteRecursively(dir);
        }
        Files.createDirectories(dir);
        List<String> args = new ArrayList<>(List.of(
                "--mailroom.roles=" + roles,
                "--mailroom.data-dir=" + dir.resolve(name + "-data"),
                "--mailroom.providers.sandbox.enabled=true",
                "--mailroom.providers.sandbox.webhook-secret=" + SANDBOX_SECRET,
                "--mailroom.providers.default=sandbox",
                "--spring.rabbitmq.host=" + env("SPRING_RABBITMQ_HOST", "127.0.0.1"),
                "--spring.rabbitmq.port=" + env("SPRING_RABBITMQ_PORT", "5672"),
                "--spring.rabbitmq.username=" + env("SPRING_RABBITMQ_USERNAME", "guest"),
                "--spring.rabbitmq.password=" + env("SPRING_RABBITMQ_PASSWORD", "guest"),
                "--spring.rabbitmq.virtual-host=" + VHOST));
        args.addAll(extraArgs);
        ChildMailroom child = ChildMailroom.start(jar, dir, name, port, args);
        children.add(child);
        return child;
    }

    private static Connection openPrimary(String user, String password) throws SQLException {
        return DriverManager.getConnection(primary.url(), user, password);
    }

    private static long primaryScalar(String sql, Object... params) throws SQLException {
        try (Connection db = openPrimary(primary.user(), primary.password())) {
            return scalar(db, sql, params);
        }
    }

    /** As the owner (not the API's user, whose sessions the test counts there). */
    private static long standbyScalar(String sql, Object... params) throws SQLException {
        try (Connection db = DriverManager.getConnection(standbyUrl(), primary.user(), primary.password())) {
            return scalar(db, sql, params);
        }
    }

    private static long scalar(Connection db, String sql, Object... params) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void psqlPrimary(String database, String... statements) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-p", Integer.toString(primary.port()), "-d", database));
        for (String statement : statements) {
            command.add("-c");
            command.add(statement);
        }
        asPostgres(command, Duration.ofSeconds(60));
    }

    private static String psqlStandby(String sql) throws IOException, InterruptedException {
        return asPostgres(
                List.of(
                        "psql",
                        "-X",
                        "-tA",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-h",
                        workDir.toString(),
                        "-p",
                        Integer.toString(standbyPort),
                        "-d",
                        DATABASE,
                        "-c",
                        sql),
                Duration.ofSeconds(30));
    }

    private static void writeAsPostgres(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setOwner(file, Files.getOwner(file.getParent()));
    }

    /** Runs a command as the postgres user, from a directory it can read. */
    private static String asPostgres(List<String> command, Duration timeout) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(command);
        return run(full, false, timeout);
    }

    private static String run(List<String> command, boolean mayFail) throws IOException, InterruptedException {
        return run(command, mayFail, Duration.ofSeconds(60));
    }

    private static String run(List<String> command, boolean mayFail, Duration timeout)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("replica-it", ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(Path.of("/").toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within " + timeout);
            }
            String text = Files.readString(output);
            if (process.exitValue() != 0 && !mayFail) {
                throw new IllegalStateException(command + " exited " + process.exitValue() + ": " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
