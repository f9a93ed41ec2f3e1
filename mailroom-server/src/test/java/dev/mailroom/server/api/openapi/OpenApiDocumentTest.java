package dev.mailroom.server.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/api/openapi.json is the description the API serves, so a review shows every contract change.
 * {@code -Dmailroom.openapi.write=true} writes the served one over it, unless the change breaks clients
 * of the committed one and the major version (info.version) stayed: a breaking change is a new major
 * version, served under a new base path (/api/v2) beside /api/v1.
 */
@EndToEndTest
class OpenApiDocumentTest {
    static final Path COMMITTED = Path.of("..", "docs", "api", "openapi.json");
    static final Path SERVED = Path.of("target", "openapi-served.json");
    static final String WRITE = "mailroom.openapi.write";
    static final String REGENERATE = "./mvnw -pl mailroom-server -am verify -Dtest=OpenApiDocumentTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -D" + WRITE + "=true";

    @LocalServerPort
    int port;

    @Test
    void theServedDescriptionIsTheCommittedOne() throws Exception {
        ApiClient.Response served = new ApiClient(port).getWith("/v3/api-docs");
        assertThat(served.status()).isEqualTo(200);
        String document = canonical(served.body());
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : null;
        if (document.equals(committed)) {
            return;
        }
        List<String> breaking = committed == null ? List.of() : BreakingChanges.between(committed, document);
        boolean majorMoved = committed != null && !major(committed).equals(major(document));
        if (Boolean.getBoolean(WRITE)) {
            assertThat(breaking.isEmpty() || majorMoved)
                    .as(
                            "not written: the served API description breaks clients of docs/api/openapi.json while"
                                    + " its major version (info.version, OpenApiConfiguration.API_VERSION) stays %s:"
                                    + "\n  %s\nWithin /api/v1 only additions are allowed (optional fields and parameters,"
                                    + " operations, statuses a client may ignore). A breaking change is a new major"
                                    + " version served under a new base path (/api/v2) beside /api/v1.",
                            committed == null ? "" : major(committed), String.join("\n  ", breaking))
                    .isTrue();
            Files.writeString(COMMITTED, document, StandardCharsets.UTF_8);
            return;
        }
        // The served one beside the build's output, for a diff with the committed one.
        Files.writeString(SERVED, document, StandardCharsets.UTF_8);
        assertThat(document)
                .as(
                        "docs/api/openapi.json is not the description the API serves%s. If the change is meant,"
                                + " regenerate it with\n  %s\nand commit it (the review then shows the contract change). The served one is in %s.",
                        breaking.isEmpty()
                                ? ""
                                : "; the change BREAKS clients (a new major version and /api/v2 needed):\n  "
                                        + String.join("\n  ", breaking) + "\n",
                        REGENERATE,
                        SERVED.toAbsolutePath())
                .isEqualTo(committed);
    }

    /**
     * Keys sorted at every level, pretty-printed: springdoc's own sorting depends on what its mapper
     * serialized first, and the committed file must not.
     */
    static String canonical(String json) {
        Object tree = CANONICAL.readValue(json, Object.class);
        return CANONICAL.writeValueAsString(tree) + "\n";
    }

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    static String major(String document) {
        String version =
                ApiClient.JSON.readTree(document).path("info").path("version").asString();
        return version.split("\\.")[0];
    }
}
