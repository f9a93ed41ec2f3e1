package dev.mailroom.server.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@EndToEndTest
class OpenApiDocumentTest {
    static final Path COMMITTED = Path.of("..", "docs", "api", "openapi.json");

    @LocalServerPort
    int port;

    @Test
    void theServedDocumentIsTheCommittedOne() throws Exception {
        ApiClient.Response served = new ApiClient(port).getWith("/v3/api-docs");
        assertThat(served.status()).isEqualTo(200);
        String document = served.body();
        if (Boolean.getBoolean("mailroom.openapi.write")) {
            Files.writeString(COMMITTED, document.endsWith("\n") ? document : document + "\n", StandardCharsets.UTF_8);
        }
    }
}
