package dev.mailroom.server.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.dashboard.DashboardHeaders;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The description and Swagger UI are public (the same text is in the repository; generators fetch it
 * without a secret), and opening them opens nothing else.
 */
@EndToEndTest
class OpenApiAccessTest {
    @LocalServerPort
    int port;

    @Test
    void theDescriptionAndSwaggerUiNeedNoKey() {
        ApiClient anonymous = new ApiClient(port);
        ApiClient.Response description = anonymous.getWith("/v3/api-docs");
        assertThat(description.status()).isEqualTo(200);
        assertThat(description.json().path("openapi").asString()).startsWith("3.1");
        assertThat(anonymous.getWith("/swagger-ui.html").status()).isIn(200, 302);
        ApiClient.Response page = anonymous.getWith("/swagger-ui/index.html");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");
        assertThat(anonymous.getWith("/v3/api-docs/swagger-config").status()).isEqualTo(200);
        ApiClient.Response yaml = anonymous.getWith("/v3/api-docs.yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.body()).contains("openapi: 3.1");
    }

    @Test
    void onlySwaggerUiGetsItsRelaxedPolicy() {
        ApiClient anonymous = new ApiClient(port);
        assertThat(anonymous.getWith("/swagger-ui/index.html").headers().get("content-security-policy"))
                .containsExactly(DashboardHeaders.SWAGGER_UI_POLICY);
        for (String path : List.of("/v3/api-docs", "/api/v1/messages", "/dashboard/", "/swagger-ui.html")) {
            assertThat(anonymous.getWith(path).headers().get("content-security-policy"))
                    .as(path)
                    .containsExactly(DashboardHeaders.CONTENT_SECURITY_POLICY);
        }
    }

    @Test
    void theApiStillNeedsAKey() {
        ApiClient anonymous = new ApiClient(port);
        ApiClient.Response messages = anonymous.getWith("/api/v1/messages");
        assertThat(messages.status()).isEqualTo(401);
        assertThat(messages.contentType()).startsWith("application/problem+json");
        assertThat(anonymous.getWith("/api/v1/members").status()).isEqualTo(401);
        // Only GET is opened on the description's paths.
        assertThat(anonymous.postRaw("/v3/api-docs", new byte[0]).status()).isEqualTo(401);
        assertThat(anonymous.postRaw("/swagger-ui/index.html", new byte[0]).status())
                .isEqualTo(401);
    }

    @Test
    void theDescriptionLeavesOutWhatIsNotThePublicApi() {
        var paths = new ApiClient(port).getWith("/v3/api-docs").json().path("paths");
        paths.propertyNames().forEach(path -> assertThat(path).startsWith("/api/v1/"));
        assertThat(paths.has("/api/v1/messages")).isTrue();
    }
}
