package dev.mailroom.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.security.Scope;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;

/**
 * The suppression list by API, end to end: every change goes through the operator (the only writer) and is read
 * back through the API. Each test lists addresses of its own (a random tag in them) and looks only at those: the
 * whole suite shares one database, where other tests' bounces list addresses too.
 */
@EndToEndTest
class SuppressionsApiTest {
    private static final String PATH = "/api/v1/suppressions";
    private static final CsvMapper CSV =
            CsvMapper.builder().enable(CsvReadFeature.WRAP_AS_ARRAY).build();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    ApiClient api;
    String tag;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        tag = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void anAdminAddsGetsSearchesAndRemovesAnAddressNormalized() {
        double changesBefore = changes("add");
        String email = "ada." + tag + "@example.org";

        Response added = api.post(
                PATH,
                "{\"email\":\" Ada." + tag.toUpperCase() + "@Example.ORG \",\"reason\":\"complaint\","
                        + "\"note\":\"asked us by phone\"}");

        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.headers().get("location"))
                .containsExactly(PATH + "/" + URLEncoder.encode(email, StandardCharsets.UTF_8));
        JsonNode entry = added.json();
        assertThat(entry.path("email").asString()).isEqualTo(email);
        assertThat(entry.path("reason").asString()).isEqualTo("complaint");
        assertThat(entry.path("note").asString()).isEqualTo("asked us by phone");
        assertThat(entry.path("createdBy").asString()).isNotBlank();
        assertThat(entry.path("createdAt").asString()).isNotBlank();
        assertThat(changes("add")).isEqualTo(changesBefore + 1);

        // Listed again, with another reason: the first entry stays, and says so with 200.
        Response again = api.post(PATH, "{\"email\":\"" + email + "\",\"reason\":\"hard-bounce\"}");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(entry);
        assertThat(changes("add")).isEqualTo(changesBefore + 1);

        assertThat(api.get(PATH + "/ADA." + tag + "@example.org").json()).isEqualTo(entry);
        JsonNode found = api.get(PATH + "?search=" + tag.toUpperCase()).json();
        assertThat(found.path("items")).containsExactly(entry);
        assertThat(api.get(PATH + "?search=" + tag + "&reason=complaint").json().path("items"))
                .containsExactly(entry);
        assertThat(api.get(PATH + "?search=" + tag + "&reason=manual").json().path("items"))
                .isEmpty();

        Response removed = api.delete(PATH + "/" + email);
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertThat(changes("remove")).isPositive();
        Response gone = api.get(PATH + "/" + email);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.contentType()).startsWith("application/problem+json");
        assertThat(gone.json().path("detail").asString()).contains(email);
        assertThat(api.delete(PATH + "/" + email).status()).isEqualTo(404);
        assertThat(api.get(PATH + "?search=" + tag).json().path("items")).isEmpty();
    }

    @Test
    void anEntryWithoutAReasonIsManual() {
        Response added = api.post(PATH, "{\"email\":\"plain-" + tag + "@example.org\"}");

        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().path("reason").asString()).isEqualTo("manual");
        assertThat(added.json().has("note")).isFalse();
    }

    @Test
    void theListIsNewestFirstAndPagesWithACursor() {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String email = "page" + i + "-" + tag + "@example.org";
            assertThat(api.post(PATH, "{\"email\":\"" + email + "\"}").status()).isEqualTo(201);
            emails.add(email);
        }

        JsonNode first = api.get(PATH + "?search=" + tag + "&limit=2").json();
        JsonNode second = api.get(PATH + "?search=" + tag + "&limit=2&cursor="
                        + first.path("nextCursor").asString())
                .json();

        assertThat(emailsOf(first)).containsExactly(emails.get(2), emails.get(1));
        assertThat(emailsOf(second)).containsExactly(emails.get(0));
        assertThat(nextCursor(first)).isNotNull();
        assertThat(nextCursor(second)).as("the last page").isNull();
    }

    @Test
    void aSearchTakesWildcardsLiterally() {
        api.post(PATH, "{\"email\":\"a_b-" + tag + "@example.org\"}");
        api.post(PATH, "{\"email\":\"axb-" + tag + "@example.org\"}");

        assertThat(emailsOf(api.get(PATH + "?search=a_b-" + tag).json()))
                .containsExactly("a_b-" + tag + "@example.org");
        assertThat(emailsOf(api.get(PATH + "?search=%25" + tag).json())).isEmpty();
    }

    @Test
    void anImportReportsBadRowsByLineAndImportsTheRest() {
        api.post(PATH, "{\"email\":\"listed-" + tag + "@example.org\",\"reason\":\"complaint\"}");
        String csv = "email,reason,note\n"
                + "one-" + tag + "@example.org,hard-bounce,\n"
                + "not an address,,\n"
                + "two-" + tag + "@example.org,bounced-a-lot,\n"
                + "\"Three-" + tag + "@Example.org\",,\"from the old system, 2019\"\n"
                + "listed-" + tag + "@example.org,,\n"
                + "\n"
                + "four-" + tag + "@example.org\n";

        Response imported = importCsv(ApiClient.TEST_KEY, csv);

        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        JsonNode result = imported.json();
        assertThat(result.path("imported").asInt()).isEqualTo(3);
        assertThat(result.path("alreadyListed").asInt()).isEqualTo(1);
        JsonNode invalid = result.path("invalid");
        assertThat(invalid).hasSize(2);
        assertThat(invalid.get(0).path("line").asInt()).isEqualTo(3);
        assertThat(invalid.get(0).path("email").asString()).isEqualTo("not an address");
        assertThat(invalid.get(0).path("error").asString()).startsWith("email");
        assertThat(invalid.get(1).path("line").asInt()).isEqualTo(4);
        assertThat(invalid.get(1).path("error").asString()).startsWith("reason").contains("bounced-a-lot");
        assertThat(emailsOf(api.get(PATH + "?search=" + tag + "&limit=10").json()))
                .containsExactlyInAnyOrder(
                        "one-" + tag + "@example.org",
                        "three-" + tag + "@example.org",
                        "four-" + tag + "@example.org",
                        "listed-" + tag + "@example.org");
        assertThat(api.get(PATH + "/one-" + tag + "@example.org")
                        .json()
                        .path("reason")
                        .asString())
                .isEqualTo("hard-bounce");
        assertThat(api.get(PATH + "/three-" + tag + "@example.org")
                        .json()
                        .path("note")
                        .asString())
                .isEqualTo("from the old system, 2019");
        assertThat(api.get(PATH + "/listed-" + tag + "@example.org")
                        .json()
                        .path("reason")
                        .asString())
                .as("an address listed already keeps its first reason")
                .isEqualTo("complaint");
    }

    @Test
    void aLargeImportGoesToTheOperatorInChunksAndImportingItAgainChangesNothing() {
        int rows = 2_100;
        StringBuilder csv = new StringBuilder("email\n");
        for (int i = 0; i < rows; i++) {
            csv.append("bulk").append(i).append('-').append(tag).append("@example.org\n");
        }

        Response first = importCsv(ApiClient.TEST_KEY, csv.toString());
        Response second = importCsv(ApiClient.TEST_KEY, csv.toString());

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("imported").asInt()).isEqualTo(rows);
        assertThat(first.json().path("alreadyListed").asInt()).isZero();
        assertThat(second.json().path("imported").asInt()).isZero();
        assertThat(second.json().path("alreadyListed").asInt()).isEqualTo(rows);
        // Every row once, paging through entries many of which share one creation time.
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            Response answer =
                    api.get(PATH + "?search=" + tag + "&limit=500" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(++pages).as("pages of 500 for " + rows + " rows").isLessThanOrEqualTo(5);
            JsonNode page = answer.json();
            for (String email : emailsOf(page)) {
                assertThat(seen.add(email)).as("seen once: " + email).isTrue();
            }
            cursor = nextCursor(page);
        } while (cursor != null);
        assertThat(seen).hasSize(rows);
    }

    @Test
    void anExportIsCsvThatAnotherOrganizationImportsAsItIs() throws Exception {
        api.post(
                PATH,
                "{\"email\":\"=cmd-" + tag + "@example.org\",\"reason\":\"unsubscribe\","
                        + "\"note\":\"=HYPERLINK(\\\"http://evil.example\\\")\"}");
        api.post(
                PATH,
                "{\"email\":\"-minus-" + tag + "@example.org\",\"note\":\"line one\\nline two, \\\"quoted\\\"\"}");
        api.post(PATH, "{\"email\":\"plain-" + tag + "@example.org\",\"reason\":\"hard-bounce\"}");

        Response export = api.get(PATH + "/export");

        assertThat(export.status()).isEqualTo(200);
        assertThat(export.contentType()).startsWith("text/csv");
        assertThat(export.body()).startsWith("email,reason,created_at,source_message_id,note\n");
        // A spreadsheet opening it shows these as text instead of running them.
        assertThat(export.body())
                .contains("'=cmd-" + tag + "@example.org")
                .contains("'=HYPERLINK(")
                .contains("'-minus-" + tag + "@example.org")
                .doesNotContain("\n=cmd-");
        List<List<String>> ours = rowsOf(export.body()).stream()
                .filter(r -> r.get(0).contains(tag))
                .toList();
        assertThat(ours).hasSize(3);

        TestOrganizations.Organization other = TestOrganizations.create(port, "suppress-", "read", "admin");
        ApiClient theirs = api.as(other.key());
        assertThat(theirs.get(PATH + "?search=" + tag).json().path("items"))
                .as("another organization sees none of ours")
                .isEmpty();
        assertThat(theirs.get(PATH + "/plain-" + tag + "@example.org").status()).isEqualTo(404);
        assertThat(rowsOf(theirs.get(PATH + "/export").body())).hasSize(1);

        Response imported = importCsv(other.key(), export.body());

        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(imported.json().path("invalid")).isEmpty();
        List<List<String>> exported = rowsOf(export.body());
        List<List<String>> reimported = rowsOf(theirs.get(PATH + "/export").body());
        assertThat(imported.json().path("imported").asInt()).isEqualTo(exported.size() - 1);
        // Address, reason and note come back as they were (the time is the import's, the source email ours).
        assertThat(reimported.stream().map(r -> List.of(r.get(0), r.get(1), r.get(4))))
                .containsExactlyInAnyOrderElementsOf(exported.stream()
                        .map(r -> List.of(r.get(0), r.get(1), r.get(4)))
                        .toList());
        assertThat(theirs.get(PATH + "/=cmd-" + tag + "@example.org")
                        .json()
                        .path("note")
                        .asString())
                .isEqualTo("=HYPERLINK(\"http://evil.example\")");
        assertThat(theirs.get(PATH + "/-minus-" + tag + "@example.org")
                        .json()
                        .path("note")
                        .asString())
                .isEqualTo("line one\nline two, \"quoted\"");
    }

    @Test
    void aKeyWithoutTheAdminScopeReadsTheListButCannotChangeIt() {
        String email = "reader-" + tag + "@example.org";
        api.post(PATH, "{\"email\":\"" + email + "\"}");
        ApiClient reader = api.as(NonAdminTestKey.KEY);

        Response add = reader.post(PATH, "{\"email\":\"other-" + tag + "@example.org\"}");
        Response remove = reader.delete(PATH + "/" + email);
        Response imported = importCsv(NonAdminTestKey.KEY, "email\nother-" + tag + "@example.org\n");

        for (Response refused : List.of(add, remove, imported)) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(403);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().path("detail").asString()).contains("'" + Scope.ADMIN.value() + "'");
        }
        assertThat(reader.get(PATH + "/" + email).status()).isEqualTo(200);
        assertThat(reader.get(PATH + "/export").status()).isEqualTo(200);
        assertThat(emailsOf(reader.get(PATH + "?search=" + tag).json())).containsExactly(email);
    }

    @Test
    void badEntriesAreRefusedNamingTheFieldAndChangeNothing() {
        assertProblem(api.post(PATH, "{\"email\":\"not-an-address-" + tag + "\"}"), 422, "email");
        assertProblem(api.post(PATH, "{\"email\":\"r-" + tag + "@example.org\",\"reason\":\"spam\"}"), 422, "reason");
        assertProblem(api.post(PATH, "{\"email\":\"f-" + tag + "@example.org\",\"colour\":\"red\"}"), 422, "colour");
        assertProblem(api.post(PATH, "{\"email\":\"n-" + tag + "@example.org\",\"note\":42}"), 422, "note");
        assertProblem(
                api.post(PATH, "{\"email\":\"l-" + tag + "@example.org\",\"note\":\"" + "x".repeat(1001) + "\"}"),
                422,
                "note");
        assertProblem(api.post(PATH, "{}"), 422, "email");
        assertProblem(api.post(PATH, "[1,2]"), 400, null);
        assertProblem(api.get(PATH + "/not-an-address"), 422, "email");
        assertProblem(api.delete(PATH + "/not-an-address"), 422, "email");
        assertProblem(api.get(PATH + "?reason=spam"), 422, "reason");
        assertProblem(api.get(PATH + "?cursor=forged"), 422, "cursor");
        assertProblem(api.get(PATH + "?limit=0"), 422, "limit");

        assertThat(api.get(PATH + "?search=" + tag).json().path("items")).isEmpty();
    }

    @Test
    void emptyOrGarbledFilesAreRefusedAndImportNothing() {
        assertProblem(importCsv(ApiClient.TEST_KEY, ""), 422, "file");
        assertProblem(importCsv(ApiClient.TEST_KEY, "email,reason,note\n"), 422, "file");
        assertProblem(importCsv(ApiClient.TEST_KEY, "address,why\ng1-" + tag + "@example.org,x\n"), 422, "file");
        assertProblem(importCsv(ApiClient.TEST_KEY, "email,email\ng2-" + tag + "@example.org,x\n"), 422, "file");
        assertProblem(
                importCsv(ApiClient.TEST_KEY, "email,note\n\"g3-" + tag + "@example.org,\"unclosed\n"), 422, null);
        assertProblem(importCsv(ApiClient.TEST_KEY, "{\"email\":\"g4-" + tag + "@example.org\"}"), 422, "file");
        // Not one row valid: nothing to import, refused as a whole.
        assertProblem(
                importCsv(ApiClient.TEST_KEY, "email,reason\nnope,\ng5-" + tag + "@example.org,spam\n"), 422, "row 2");
        Response json = api.postRaw(
                PATH + "/import",
                ("email\ng6-" + tag + "@example.org\n").getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + ApiClient.TEST_KEY,
                "Content-Type",
                "application/json");
        assertThat(json.status()).isEqualTo(415);
        assertThat(json.contentType()).startsWith("application/problem+json");
        StringBuilder tooMany = new StringBuilder("email\n");
        for (int i = 0; i <= SuppressionsController.MAX_IMPORT_ROWS; i++) {
            tooMany.append("m").append(i).append('-').append(tag).append("@example.org\n");
        }
        assertProblem(importCsv(ApiClient.TEST_KEY, tooMany.toString()), 422, "file");

        assertThat(api.get(PATH + "?search=" + tag).json().path("items")).isEmpty();
    }

    private Response importCsv(String key, String csv) {
        return api.postRaw(
                PATH + "/import",
                csv.getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + key,
                "Content-Type",
                "text/csv");
    }

    private static void assertProblem(Response answer, int status, String field) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).as(answer.body()).startsWith("application/problem+json");
        if (field != null) {
            assertThat(answer.json().path("errors").findValuesAsString("field"))
                    .as(answer.body())
                    .contains(field);
        }
    }

    private double changes(String action) {
        var counter = meters.find("mailroom.operator.suppression.changes")
                .tag("action", action)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** The page's cursor to the next one; null on the last page (where the answer leaves it out). */
    private static String nextCursor(JsonNode page) {
        JsonNode cursor = page.path("nextCursor");
        return cursor.isMissingNode() || cursor.isNull() ? null : cursor.asString();
    }

    private static List<String> emailsOf(JsonNode page) {
        List<String> emails = new ArrayList<>();
        page.path("items").forEach(item -> emails.add(item.path("email").asString()));
        return emails;
    }

    /** The rows of a CSV text, header included, as an independent reader sees them. */
    private static List<List<String>> rowsOf(String csv) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = CSV.readerFor(String[].class).readValues(csv)) {
            while (it.hasNextValue()) {
                rows.add(List.of(it.nextValue()));
            }
        }
        return rows;
    }
}
