package dev.mailroom.server.observability;

import static dev.mailroom.server.support.Timelines.awaitMessage;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestSockets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The monitoring files (deploy/observability: the Grafana dashboard and the Prometheus alert rules) query only metrics
 * Mailroom exports: a whole Mailroom (all roles, the zero-configuration run) sends an email through, and every metric
 * name in every dashboard query and every rule expression is in its {@code /actuator/prometheus}, scraped with the
 * metrics token. And the new metrics move when mail moves: an email shows up in the queue, stage and provider
 * metrics, and a refused webhook in the verification failures by reason.
 */
@EndToEndTest
class MonitoringFilesTest {
    private static final Path ROOT = projectRoot();
    private static final Path DASHBOARD = ROOT.resolve("deploy/observability/grafana-dashboard.json");
    private static final Path RULES = ROOT.resolve("deploy/observability/prometheus-rules.yml");

    @LocalServerPort
    int port;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    @Test
    void everyMetricTheDashboardAndTheAlertRulesQueryIsExported() throws IOException {
        deliverOneEmail();
        Map<String, Set<String>> byQuery = new LinkedHashMap<>();
        for (String expr : dashboardQueries()) {
            byQuery.put("dashboard: " + expr, PromQl.metricNames(expr));
        }
        for (String expr : ruleExpressions()) {
            byQuery.put("rule: " + expr, PromQl.metricNames(expr));
        }
        Set<String> all = new TreeSet<>();
        byQuery.values().forEach(all::addAll);
        // Not vacuous: the files query the families this test is about.
        assertThat(all)
                .contains(
                        "mailroom_queue_depth",
                        "mailroom_queue_oldest_age_seconds",
                        "mailroom_queue_consumer_lag_seconds_bucket",
                        "mailroom_stage_latency_seconds_bucket",
                        "mailroom_dispatch_provider_calls_seconds_count",
                        "resilience4j_circuitbreaker_state",
                        "mailroom_webhooks_verification_failures_total",
                        "mailroom_dead_letters_stored_total",
                        "mailroom_operator_backlog_due",
                        "mailroom_notifier_pending_due");
        byQuery.forEach((query, names) -> assertThat(names).as(query).isNotEmpty());

        Scrape scrape = scrape();
        // For the log: what the queue, stage and backlog metrics said after one email.
        scrape.samples().entrySet().stream()
                .filter(e -> e.getKey()
                        .matches("mailroom_(queue_(depth|consumers|oldest_age_seconds)|operator_backlog.*"
                                + "|notifier_pending.*|dead_letters_open|stage_latency_seconds_(count|sum))"))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> e.getValue().forEach(v -> System.out.println(e.getKey() + v.labels() + " " + v.value())));
        List<String> missing = new ArrayList<>();
        byQuery.forEach((query, names) -> names.stream()
                .filter(name -> !scrape.has(name))
                .forEach(name -> missing.add(name + " (" + query + ")")));
        assertThat(missing).as("metrics queried but not exported").isEmpty();
    }

    @Test
    void anEmailShowsUpInTheQueueStageAndProviderMetrics() {
        Scrape before = scrape();
        deliverOneEmail();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Scrape after = scrape();
            for (String stage : List.of("accepted", "dispatched", "first_event")) {
                assertThat(after.value("mailroom_stage_latency_seconds_count", "stage", stage))
                        .as(stage)
                        .isGreaterThan(before.valueOrZero("mailroom_stage_latency_seconds_count", "stage", stage));
            }
            assertThat(after.value("mailroom_queue_consumer_lag_seconds_count", "queue", "mailroom.mailbox"))
                    .isGreaterThan(before.valueOrZero(
                            "mailroom_queue_consumer_lag_seconds_count", "queue", "mailroom.mailbox"));
            assertThat(after.value("mailroom_queue_consumer_lag_seconds_count", "queue", "mailroom.tracking"))
                    .isGreaterThan(before.valueOrZero(
                            "mailroom_queue_consumer_lag_seconds_count", "queue", "mailroom.tracking"));
            assertThat(after.value(
                            "mailroom_dispatch_provider_calls_seconds_count",
                            "outcome",
                            "accepted",
                            "provider",
                            "sandbox"))
                    .isGreaterThan(before.valueOrZero(
                            "mailroom_dispatch_provider_calls_seconds_count",
                            "outcome",
                            "accepted",
                            "provider",
                            "sandbox"));
            // Sampled on their schedules (the first sample at the start): numbers, not NaN.
            assertThat(after.value("mailroom_queue_depth", "queue", "mailroom.mailbox"))
                    .isNotNaN()
                    .isGreaterThanOrEqualTo(0);
            assertThat(after.value("mailroom_queue_consumers", "queue", "mailroom.dispatching"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(after.value("mailroom_operator_backlog", "kind", "scheduled"))
                    .isNotNaN();
            assertThat(after.value("mailroom_dead_letters_open", "queue", "mailroom.mailbox"))
                    .isNotNaN();
            assertThat(after.value("mailroom_notifier_pending")).isNotNaN();
            assertThat(after.value("resilience4j_circuitbreaker_state", "name", "sandbox", "state", "closed"))
                    .isEqualTo(1.0);
        });
    }

    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    @Test
    void aScheduledEmailCountsInTheOperatorsBacklogUntilItIsCanceled() {
        // Other test classes share this Mailroom and schedule (and release) mail of their own: the gauge is compared
        // with the database it counts, which holds this test's email and then no longer does. Counted on the
        // operator's schedule (mailroom.metrics.database-sample-interval, 15 s): waited for until a sample and the
        // database agree, which they do once nobody else's scheduled mail moves between the two.
        String id = api.submit(ApiClient.email(
                "ada@example.org", "{\"sendAt\":\"" + Instant.now().plus(Duration.ofDays(1)) + "\"}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> scheduledInDatabase(id) == 1);
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(scrape().value("mailroom_operator_backlog", "kind", "scheduled"))
                        .isEqualTo((double) scheduledInDatabase(null)));

        ApiClient.Response canceled = api.post("/api/v1/messages/" + id + "/cancel", "");
        assertThat(canceled.status()).as(canceled.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> scheduledInDatabase(id) == 0);
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(scrape().value("mailroom_operator_backlog", "kind", "scheduled"))
                        .isEqualTo((double) scheduledInDatabase(null)));
    }

    /** Messages the gauge counts as scheduled: all of them, or only {@code id}. */
    private long scheduledInDatabase(String id) {
        String sql = "SELECT COUNT(*) FROM messages WHERE status = 'SCHEDULED' AND next_attempt_at IS NOT NULL";
        Long count = id == null
                ? jdbc.queryForObject(sql, Long.class)
                : jdbc.queryForObject(sql + " AND id = ?", Long.class, java.util.UUID.fromString(id));
        return count == null ? 0 : count;
    }

    @Test
    void aRefusedWebhookIsCountedByWhyItWasRefused() {
        byte[] body = "{\"events\":[]}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        Scrape before = scrape();

        ApiClient.Response forged = api.postRaw(
                "/webhooks/sandbox",
                body,
                "Content-Type",
                "application/json",
                "X-Mailroom-Signature",
                "t=" + now + ",v1=" + "00".repeat(32));
        ApiClient.Response stale = api.postRaw(
                "/webhooks/sandbox",
                body,
                "Content-Type",
                "application/json",
                "X-Mailroom-Signature",
                TestSockets.sandboxSignature(ApiClient.TEST_SANDBOX_SECRET, now - 3600, body));

        assertThat(forged.status()).isEqualTo(401);
        assertThat(stale.status()).isEqualTo(401);
        Scrape after = scrape();
        for (String reason : List.of("signature", "timestamp")) {
            assertThat(after.value(
                            "mailroom_webhooks_verification_failures_total", "provider", "sandbox", "reason", reason))
                    .as(reason)
                    .isGreaterThanOrEqualTo(before.value(
                                    "mailroom_webhooks_verification_failures_total",
                                    "provider",
                                    "sandbox",
                                    "reason",
                                    reason)
                            + 1);
        }
    }

    @Test
    void thePromQlReaderFindsMetricNamesAndNothingElse() {
        assertThat(PromQl.metricNames(
                        "histogram_quantile(0.95, sum by (queue, le) (rate(a_bucket{queue!~\".+\\\\.dlq\","
                                + " le=\"1\"}[$__rate_interval]))) > 1e3 and on (queue) max without (x) (b) unless c offset 5m"
                                + " / ignoring(k) group_left(j) d{e=\"f(g)\"} or sum(increase(x_total[15m])) > bool 0"))
                .containsExactlyInAnyOrder("a_bucket", "b", "c", "d", "x_total");
    }

    private void deliverOneEmail() {
        String id = api.submit(ApiClient.email("ada@example.org"));
        awaitMessage(
                api,
                id,
                m -> "DELIVERED".equals(m.get("status").asString())
                        && statuses(m).contains("DISPATCHED"));
    }

    private Scrape scrape() {
        ApiClient.Response response =
                api.getWith("/actuator/prometheus", "Authorization", "Bearer " + ApiClient.TEST_METRICS_TOKEN);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return Scrape.parse(response.body());
    }

    private static List<String> dashboardQueries() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        List<String> queries = new ArrayList<>();
        collectExpressions(dashboard.path("panels"), queries);
        assertThat(queries).as("queries of " + DASHBOARD).hasSizeGreaterThan(10);
        return queries;
    }

    /** Panels' targets, rows' nested panels included. */
    private static void collectExpressions(JsonNode panels, List<String> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    into.add(target.get("expr").asString());
                }
            }
            collectExpressions(panel.path("panels"), into);
        }
    }

    private static List<String> ruleExpressions() throws IOException {
        JsonNode rules = YAMLMapper.builder().build().readTree(Files.readString(RULES));
        List<String> expressions = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                assertThat(rule.path("expr").asString()).as(rule.toString()).isNotBlank();
                expressions.add(rule.get("expr").asString());
            }
        }
        assertThat(expressions).as("rules of " + RULES).hasSizeGreaterThan(5);
        return expressions;
    }

    private static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/observability"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no deploy/observability above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Just enough of PromQL to name the metrics an expression reads. */
    static final class PromQl {
        private static final Set<String> KEYWORDS = Set.of(
                "and",
                "or",
                "unless",
                "bool",
                "offset",
                "by",
                "without",
                "on",
                "ignoring",
                "group_left",
                "group_right",
                "inf",
                "nan",
                "atan2");
        private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*");

        private PromQl() {}

        /**
         * Identifiers that are neither functions nor aggregations (followed by "("), nor keywords, once strings, label
         * matchers ({...}), ranges ([...]), grouping clauses (by/without/on/ignoring/group_left/group_right (...))
         * and Grafana variables ($name, ${name}) are removed.
         */
        static Set<String> metricNames(String expr) {
            String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                    .replaceAll("\\{[^}]*}", " ")
                    .replaceAll("\\[[^]]*]", " ")
                    .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                    .replaceAll("\\$\\{?\\w+}?", " ");
            Set<String> names = new TreeSet<>();
            Matcher m = IDENTIFIER.matcher(s);
            while (m.find()) {
                String name = m.group();
                boolean called = s.substring(m.end()).stripLeading().startsWith("(");
                if (!called && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    names.add(name);
                }
            }
            return names;
        }
    }

    /** The Prometheus text format, read: sample names and each sample's labels and value. */
    record Scrape(Set<String> names, Map<String, List<Sample>> samples) {
        record Sample(Map<String, String> labels, double value) {}

        private static final Pattern SAMPLE =
                Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) \\S+$");

        static Scrape parse(String text) {
            Set<String> names = new TreeSet<>();
            Map<String, List<Sample>> samples = new HashMap<>();
            for (String line : text.split("\n")) {
                Matcher type = TYPE.matcher(line);
                if (type.matches()) {
                    names.add(type.group(1));
                    continue;
                }
                Matcher m = SAMPLE.matcher(line);
                if (line.startsWith("#") || !m.matches()) {
                    continue;
                }
                Map<String, String> labels = new TreeMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                names.add(m.group(1));
                samples.computeIfAbsent(m.group(1), n -> new ArrayList<>()).add(new Sample(labels, number(m.group(3))));
            }
            return new Scrape(names, samples);
        }

        private static double number(String text) {
            return switch (text) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(text);
            };
        }

        boolean has(String name) {
            return names.contains(name);
        }

        /** The value of the sample with these labels (name, value, name, value...); fails when there is none. */
        double value(String name, String... labels) {
            Double value = find(name, labels);
            assertThat(value)
                    .as(name + " " + List.of(labels) + " in the scrape")
                    .isNotNull();
            return value;
        }

        double valueOrZero(String name, String... labels) {
            Double value = find(name, labels);
            return value == null ? 0 : value;
        }

        private Double find(String name, String... labels) {
            Map<String, String> wanted = new HashMap<>();
            for (int i = 0; i < labels.length; i += 2) {
                wanted.put(labels[i], labels[i + 1]);
            }
            return samples.getOrDefault(name, List.of()).stream()
                    .filter(s -> s.labels().entrySet().containsAll(wanted.entrySet()))
                    .map(Sample::value)
                    .findFirst()
                    .orElse(null);
        }
    }
}
