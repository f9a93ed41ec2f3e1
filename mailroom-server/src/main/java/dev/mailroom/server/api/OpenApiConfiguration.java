package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 description of the public REST API ({@code /api/v1}), served at {@code /v3/api-docs}
 * and as Swagger UI where the API runs. The same document is committed as {@code docs/api/openapi.json}
 * (OpenApiDocumentTest keeps the two equal), so every contract change shows in review.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.API)
class OpenApiConfiguration {
    /**
     * The contract's version. The major moves only with a breaking change, which also means a new base
     * path ({@code /api/v2}) served beside {@code /api/v1}; OpenApiDocumentTest refuses to record a
     * breaking change while the major stays.
     */
    static final String API_VERSION = "1.0.0";

    @Bean
    OpenAPI mailroomOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Mailroom API")
                        .version(API_VERSION)
                        .description("Submit transactional email, follow each message's timeline, and manage an"
                                + " organization's members, keys, suppressions and webhook endpoints."))
                // A fixed server, not the address this process happens to listen on: the document is the
                // same everywhere, and a client sets its own base URL.
                .servers(List.of(new Server()
                        .url("http://localhost:8080")
                        .description("A Mailroom on this machine (the default port); use your own address")));
    }
}
