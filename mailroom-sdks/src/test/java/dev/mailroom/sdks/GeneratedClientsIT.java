package dev.mailroom.sdks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * One zero-configuration Mailroom (the jar, embedded broker + H2, sandbox provider) driven through
 * each client generated from docs/api/openapi.json and by each "Your first email" example of the
 * README. The TypeScript and Python tests are skipped, saying what is missing, where Node.js/npm or
 * Debian's Python packages are not installed.
 */
// On its own embedded Mailroom whatever the environment: .ci/run runs it once (the server tests'
// SameOnAnyInfrastructure).
@Tag("same-on-any-infrastructure")
class GeneratedClientsIT {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static MailroomProcess mailroom;

    @BeforeAll
    static void startMailroom() throws Exception {
        mailroom = MailroomProcess.start(Files.createTempDirectory(Toolchains.TARGET, "sdks-it-"));
    }

    @AfterAll
    static void stopMailroom() throws InterruptedException {
        if (mailroom != null) {
            mailroom.close();
        }
    }

    @Test
    void theGeneratedTypeScriptClientSubmitsReadsTheTimelineListsMembersAndParsesProblems() throws Exception {
        Path out = Toolchains.compiledTypeScript();
        String tag = UUID.randomUUID().toString();
        JsonNode seen = resultOf(Toolchains.node(out.resolve("sdk-check.js"), env(tag))
                .assertSucceeded("sdk-check.js (the TypeScript client)"));
        assertDroveTheServer(seen, "ts-member-" + tag);
    }

    @Test
    void theGeneratedPythonClientSubmitsReadsTheTimelineListsMembersAndParsesProblems() throws Exception {
        Toolchains.assumePython();
        String tag = UUID.randomUUID().toString();
        JsonNode seen = resultOf(
                Toolchains.python(Toolchains.TEST_SOURCES.resolve("python/sdk_check.py"), Toolchains.TARGET, env(tag))
                        .assertSucceeded("sdk_check.py (the Python client)"));
        assertDroveTheServer(seen, "py-member-" + tag);
    }

    @Test
    void theCurlExampleSendsAnEmailThatIsClicked() throws Exception {
        Toolchains.assumeCurl();
        Toolchains.Result result = Toolchains.run(
                        List.of(
                                "bash",
                                Toolchains.EXAMPLES.resolve("first-email.sh").toString()),
                        Toolchains.TARGET,
                        env("curl"),
                        Duration.ofMinutes(1))
                .assertSucceeded("first-email.sh");
        assertTheExampleEmailIsClicked(result);
    }

    @Test
    void theTypeScriptExampleSendsAnEmailThatIsClicked() throws Exception {
        Path out = Toolchains.compiledTypeScript();
        assertTheExampleEmailIsClicked(
                Toolchains.node(out.resolve("first-email.js"), env("ts")).assertSucceeded("first-email.ts"));
    }

    @Test
    void thePythonExampleSendsAnEmailThatIsClicked() throws Exception {
        Toolchains.assumePython();
        assertTheExampleEmailIsClicked(
                Toolchains.python(Toolchains.EXAMPLES.resolve("first_email.py"), Toolchains.TARGET, env("py"))
                        .assertSucceeded("first_email.py"));
    }

    private static Map<String, String> env(String tag) {
        return Map.of("MAILROOM_URL", mailroom.url, "MAILROOM_KEY", mailroom.apiKey, "RUN_TAG", tag);
    }

    private static JsonNode resultOf(Toolchains.Result result) {
        return JSON.readTree(result.lastLine());
    }

    /** What every client script must have seen (sdk-check.ts and sdk_check.py print the same shape). */
    private static void assertDroveTheServer(JsonNode seen, String memberId) {
        assertThat(seen.at("/submitted/status").asString()).isEqualTo("SUBMITTED");
        String id = seen.at("/submitted/id").asString();
        assertThat(UUID.fromString(id)).isNotNull();

        assertThat(seen.at("/batch/accepted").asInt()).isEqualTo(2);
        assertThat(seen.at("/batch/results")
                        .valueStream()
                        .map(r -> r.get("status").asInt()))
                .containsExactly(202, 202);

        assertThat(seen.at("/message/timeline").valueStream().map(JsonNode::asString))
                .as("the timeline the client read, waiting for the sandbox's delivery")
                .contains("ACCEPTED", "DISPATCHED", "DELIVERED");

        assertThat(seen.at("/members").valueStream().toList())
                .as("the member the three emails named")
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.get("memberId").asString()).isEqualTo(memberId);
                    assertThat(m.get("messages").asLong()).isBetween(1L, 3L);
                });

        JsonNode invalid = seen.get("invalid");
        assertThat(invalid.get("httpStatus").asInt()).isEqualTo(422);
        assertThat(invalid.get("contentType").asString()).startsWith("application/problem+json");
        assertThat(invalid.get("status").asInt()).isEqualTo(422);
        assertThat(invalid.get("fields").valueStream().map(JsonNode::asString)).contains("to[0].email");

        JsonNode unauthorized = seen.get("unauthorized");
        assertThat(unauthorized.get("httpStatus").asInt()).isEqualTo(401);
        assertThat(unauthorized.get("contentType").asString()).startsWith("application/problem+json");
        assertThat(unauthorized.get("status").asInt()).isEqualTo(401);
        assertThat(unauthorized.get("title").asString()).isNotBlank();
    }

    /** The example printed the message it submitted; the sandbox then clicks for click+…@ addresses. */
    private static void assertTheExampleEmailIsClicked(Toolchains.Result result) {
        JsonNode printed = JSON.readTree(result.lastLine());
        String id = printed.get("id").asString();
        assertThat(UUID.fromString(id)).isNotNull();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(JSON.readTree(mailroom.get("/api/v1/messages/" + id))
                                .get("status")
                                .asString())
                        .isEqualTo("CLICKED"));
    }
}
