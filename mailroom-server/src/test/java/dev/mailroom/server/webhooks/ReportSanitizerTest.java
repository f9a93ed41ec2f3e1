package dev.mailroom.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.MessageStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Every rule of the one check all providers' reports pass before the webhook sink publishes them. */
class ReportSanitizerTest {
    private static final Instant NOW = Instant.parse("2026-12-06T03:00:00Z");
    private final ReportSanitizer sanitizer = new ReportSanitizer(Duration.ofDays(30), Duration.ofMinutes(15));

    private static ActivityReport report(
            Instant occurredAt,
            String recipient,
            String providerEvent,
            String providerMessageId,
            Map<String, Object> details) {
        return ActivityReport.event(
                UUID.randomUUID(),
                UUID.randomUUID(),
                providerMessageId,
                "sandbox",
                MessageStatus.DELIVERED,
                occurredAt,
                recipient,
                providerEvent,
                details);
    }

    private static ActivityReport at(Instant occurredAt) {
        return report(occurredAt, "ada@example.org", "delivered", "p-1", Map.of("k", "v"));
    }

    @Test
    void anEventTimeWithinTheWindowIsKeptAsItIs() {
        Instant lastWeek = NOW.minus(Duration.ofDays(7));
        Instant aMinuteAhead = NOW.plusSeconds(60);

        assertThat(sanitizer.sanitize(at(lastWeek), NOW).occurredAt()).isEqualTo(lastWeek);
        assertThat(sanitizer.sanitize(at(aMinuteAhead), NOW).occurredAt()).isEqualTo(aMinuteAhead);
        assertThat(sanitizer.sanitize(at(lastWeek), NOW).details()).doesNotContainKey(ReportSanitizer.ORIGINAL_TIME);
    }

    @Test
    void anEventTimeFarInTheFutureBecomesTheArrivalTimeKeepingTheProvidersValue() {
        ActivityReport sanitized = sanitizer.sanitize(at(Instant.MAX), NOW);

        assertThat(sanitized.occurredAt()).isEqualTo(NOW);
        assertThat(sanitized.details())
                .containsEntry(ReportSanitizer.ORIGINAL_TIME, Instant.MAX.toString())
                .containsEntry("k", "v");
    }

    @Test
    void anEventTimeJustBeyondTheAllowedSkewIsClampedToo() {
        assertThat(sanitizer.sanitize(at(NOW.plus(Duration.ofMinutes(16))), NOW).occurredAt())
                .isEqualTo(NOW);
    }

    @Test
    void anEventTimeOlderThanTheMaximumAgeBecomesTheArrivalTime() {
        ActivityReport ancient = sanitizer.sanitize(at(Instant.MIN), NOW);
        ActivityReport tooOld = sanitizer.sanitize(at(NOW.minus(Duration.ofDays(31))), NOW);

        assertThat(ancient.occurredAt()).isEqualTo(NOW);
        assertThat(ancient.details()).containsEntry(ReportSanitizer.ORIGINAL_TIME, Instant.MIN.toString());
        assertThat(tooOld.occurredAt()).isEqualTo(NOW);
    }

    @Test
    void aMissingEventTimeIsTheArrivalTime() {
        ActivityReport sanitized = sanitizer.sanitize(at(null), NOW);

        assertThat(sanitized.occurredAt()).isEqualTo(NOW);
        assertThat(sanitized.details()).doesNotContainKey(ReportSanitizer.ORIGINAL_TIME);
    }

    @Test
    void nulIsRemovedFromEveryStringField() {
        ActivityReport sanitized =
                sanitizer.sanitize(report(NOW, "ada\0@example.org", "deliv\0ered", "\0p-1\0", Map.of()), NOW);

        assertThat(sanitized.recipient()).isEqualTo("ada@example.org");
        assertThat(sanitized.providerEvent()).isEqualTo("delivered");
        assertThat(sanitized.providerMessageId()).isEqualTo("p-1");
    }

    @Test
    void nulIsRemovedFromDetailKeysAndValuesAtEveryDepth() {
        Map<String, Object> details =
                Map.of("re\0ason", "mailbox\0 full", "nested", Map.of("k\0", List.of("a\0b", Map.of("x", "\0y"))));

        ActivityReport sanitized = sanitizer.sanitize(report(NOW, "a@example.org", "e", "p", details), NOW);

        assertThat(sanitized.details())
                .containsEntry("reason", "mailbox full")
                .containsEntry("nested", Map.of("k", List.of("ab", Map.of("x", "y"))));
    }

    @Test
    void anUnpairedSurrogateIsReplacedAndAPairKept() {
        assertThat(ReportSanitizer.text("a\uD800b", 10)).isEqualTo("a\uFFFDb");
        assertThat(ReportSanitizer.text("a\uDC00", 10)).isEqualTo("a\uFFFD");
        assertThat(ReportSanitizer.text("a\uD83D\uDE00", 10)).isEqualTo("a\uD83D\uDE00");
    }

    @Test
    void overLongFieldsAreCutToTheirColumnSizes() {
        ActivityReport longOne = ActivityReport.event(
                UUID.randomUUID(),
                null,
                "m".repeat(300),
                "p".repeat(40),
                MessageStatus.DELIVERED,
                NOW,
                "r".repeat(400) + "@example.org",
                "e".repeat(100),
                Map.of());

        ActivityReport sanitized = sanitizer.sanitize(longOne, NOW);

        assertThat(sanitized.provider()).hasSize(32);
        assertThat(sanitized.providerEvent()).hasSize(64);
        assertThat(sanitized.providerMessageId()).hasSize(255);
        assertThat(sanitized.recipient()).hasSize(320);
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00";

        assertThat(ReportSanitizer.text("a".repeat(31) + emoji, 32)).isEqualTo("a".repeat(31));
    }

    @Test
    void detailKeysAndStringValuesAreCapped() {
        Map<String, Object> details = Map.of("k".repeat(1000), "v".repeat(100_000), "count", 3, "flag", true);

        ActivityReport sanitized = sanitizer.sanitize(report(NOW, "a@example.org", "e", "p", details), NOW);

        assertThat(sanitized.details())
                .containsEntry("k".repeat(ReportSanitizer.MAX_DETAIL_KEY), "v".repeat(ReportSanitizer.MAX_DETAIL_VALUE))
                .containsEntry("count", 3)
                .containsEntry("flag", true);
    }

    @Test
    void detailsNestedTooDeepAreReplacedByANote() {
        Object deep = "bottom";
        for (int i = 0; i < 20; i++) {
            deep = Map.of("d", deep);
        }

        ActivityReport sanitized =
                sanitizer.sanitize(report(NOW, "a@example.org", "e", "p", Map.of("deep", deep)), NOW);

        Object level = sanitized.details().get("deep");
        int depth = 1;
        while (level instanceof Map<?, ?> m) {
            level = m.get("d");
            depth++;
        }
        assertThat(level).isEqualTo(ReportSanitizer.TOO_DEEP);
        assertThat(depth).isEqualTo(ReportSanitizer.MAX_DEPTH);
    }

    @Test
    void aJsonNodeInTheDetailsKeepsItsKeysAndIsCleanedToo() {
        Object node = JsonMapper.builder()
                .build()
                .readTree("{\"url\":\"https://x.example/\\u0000a\",\"tags\":[\"t\\u0000\"]}");
        Map<String, Object> details = new HashMap<>();
        details.put("click", node);

        ActivityReport sanitized = sanitizer.sanitize(report(NOW, "a@example.org", "e", "p", details), NOW);

        assertThat(sanitized.details())
                .containsEntry("click", Map.of("url", "https://x.example/a", "tags", List.of("t")));
    }

    @Test
    void idsStatusAndMessageStayAsTheyAre() {
        ActivityReport original = at(NOW);

        ActivityReport sanitized = sanitizer.sanitize(original, NOW);

        assertThat(sanitized).isEqualTo(original);
    }
}
