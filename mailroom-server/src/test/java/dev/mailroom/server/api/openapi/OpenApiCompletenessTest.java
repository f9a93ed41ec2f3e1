package dev.mailroom.server.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/** Every route of /api/v1 is described, and every description says what a client needs. */
@EndToEndTest
class OpenApiCompletenessTest {
    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping handlers;

    JsonNode document;

    @BeforeEach
    void fetchTheDescription() {
        ApiClient.Response served = new ApiClient(port).getWith("/v3/api-docs");
        assertThat(served.status()).isEqualTo(200);
        document = served.json();
    }

    @Test
    void everyApiRouteIsInTheDescription() {
        List<String> missing = new ArrayList<>();
        int routes = 0;
        for (Map.Entry<RequestMappingInfo, HandlerMethod> handler :
                handlers.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = handler.getKey();
            for (String path : info.getPatternValues()) {
                if (!path.startsWith("/api/v1/")) {
                    continue;
                }
                for (var method : info.getMethodsCondition().getMethods()) {
                    routes++;
                    JsonNode operation =
                            document.path("paths").path(path).path(method.name().toLowerCase(Locale.ROOT));
                    if (!operation.isObject()) {
                        missing.add(method + " " + path + " (" + handler.getValue() + ")");
                    }
                }
            }
        }
        assertThat(routes).as("routes of /api/v1 found").isGreaterThan(40);
        assertThat(missing).as("routes without a description").isEmpty();
    }

    @Test
    void everyOperationSaysWhatAClientNeeds() {
        List<String> gaps = new ArrayList<>();
        document.path("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .properties()
                        .forEach(entry -> gaps.addAll(gaps(
                                entry.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), entry.getValue()))));
        assertThat(gaps).isEmpty();
    }

    private static List<String> gaps(String route, JsonNode operation) {
        List<String> gaps = new ArrayList<>();
        for (String field : List.of("operationId", "summary", "description")) {
            if (operation.path(field).asString("").isBlank()) {
                gaps.add(route + ": no " + field);
            }
        }
        if (!operation.path("operationId").asString("").matches("[a-z][a-zA-Z0-9]*")) {
            gaps.add(route + ": operationId is not camelCase");
        }
        if (operation.path("tags").isEmpty()) {
            gaps.add(route + ": no tag");
        }
        JsonNode body = operation.path("requestBody").path("content");
        body.properties().forEach(media -> {
            if (!hasExample(media.getValue())) {
                gaps.add(route + ": no example of the " + media.getKey() + " request body");
            }
        });
        boolean successExample = false;
        boolean problem4xx = false;
        for (var response : operation.path("responses").properties()) {
            String code = response.getKey();
            JsonNode content = response.getValue().path("content");
            if (response.getValue().path("description").asString("").isBlank()) {
                gaps.add(route + ": no description of " + code);
            }
            if (code.startsWith("2")) {
                successExample |= content.isEmpty();
                for (var media : content.properties()) {
                    successExample |= hasExample(media.getValue());
                }
            }
            if (code.startsWith("4") || code.startsWith("5")) {
                if (!content.has("application/problem+json")) {
                    gaps.add(route + ": " + code + " is not problem+json");
                }
                problem4xx |= code.startsWith("4");
            }
        }
        if (!successExample) {
            gaps.add(route + ": no example of a success answer");
        }
        // Only an operation a caller can get wrong (credentials, parameters, a body) has a 4xx to describe.
        boolean canBeWrong = !operation.path("security").isEmpty()
                || !operation.path("parameters").isEmpty()
                || operation.has("requestBody");
        if (!problem4xx && canBeWrong) {
            gaps.add(route + ": no problem+json 4xx");
        }
        boolean secured = !operation.path("security").isEmpty();
        if (secured && !operation.path("responses").has("401")) {
            gaps.add(route + ": secured, but no 401");
        }
        if (secured && !operation.path("responses").has("403")) {
            gaps.add(route + ": secured, but no 403");
        }
        return gaps;
    }

    private static boolean hasExample(JsonNode media) {
        return media.has("example") || !media.path("examples").isEmpty();
    }
}
