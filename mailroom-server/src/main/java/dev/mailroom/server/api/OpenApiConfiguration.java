package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.security.web.csrf.CsrfToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI 3.1 description of the public REST API ({@code /api/v1}), served at {@code /v3/api-docs}
 * and as Swagger UI where the API runs. The same document is committed as {@code docs/api/openapi.json}
 * (OpenApiDocumentTest keeps the two equal), so every contract change shows in review.
 *
 * <p>What each operation is (operationId, summary, description, its own error statuses) is written on
 * its handler method; what all of them share is added here, once: the problem+json schema and the
 * answers every secured route can give (401, 403), the security requirement with the scope the
 * security configuration demands, the statuses any body or path id brings (400, 404, 413, 415, 422),
 * the success status a handler sets itself, and the examples (resource {@code openapi/examples.json},
 * kept out of the controllers so they stay readable).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.API)
class OpenApiConfiguration {
    /**
     * The contract's version. The major moves only with a breaking change, which also means a new base
     * path ({@code /api/v2}) served beside {@code /api/v1}; OpenApiDocumentTest refuses to record a
     * breaking change while the major stays.
     */
    static final String API_VERSION = "1.3.0";

    static final String API_KEY = "apiKey";
    static final String SESSION = "session";
    static final String CSRF = "csrf";
    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    static {
        // The CSRF token a handler may take is the dashboard's business, not a request parameter.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(CsrfToken.class);
    }

    @Bean
    OpenAPI mailroomOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Mailroom API").version(API_VERSION).description(DESCRIPTION))
                // Relative, not the address this process happens to listen on: the document is the same
                // everywhere, Swagger UI's "Try it out" calls the Mailroom that served it, and a generated client
                // is given its own base URL.
                .servers(List.of(new Server()
                        .url("/")
                        .description("The Mailroom that serves this description (a client sets its own base URL)")))
                .tags(TAGS)
                .components(new Components()
                        .addSecuritySchemes(
                                API_KEY,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("An API key: `Authorization: Bearer <key>`. A key of an"
                                                + " organization carries the scopes it was created with (`send`,"
                                                + " `read`, `admin`); a platform key (`platform`) is Mailroom's"
                                                + " operator's. The scopes an operation needs are listed in its"
                                                + " security requirement."))
                        .addSecuritySchemes(
                                SESSION,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.APIKEY)
                                        .in(SecurityScheme.In.COOKIE)
                                        .name("SESSION")
                                        .description("A person signed in to the dashboard (`POST /login`). Their role"
                                                + " gives the scopes: owner and admin all three, viewer `read`."))
                        .addSecuritySchemes(
                                CSRF,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.APIKEY)
                                        .in(SecurityScheme.In.HEADER)
                                        .name("X-XSRF-TOKEN")
                                        .description("With a session, every request that changes something sends"
                                                + " the value of the `XSRF-TOKEN` cookie back in this header.")));
    }

    private static final String DESCRIPTION = """
            Submit transactional email, follow each message's timeline, and manage an organization's \
            members, keys, suppressions and webhook endpoints.

            Every error is `application/problem+json` (RFC 9457): `title` says what was wrong, `detail` \
            how to fix it, and `errors` names each offending field. A submission with an \
            `Idempotency-Key` can be retried safely: the same key and body answer the first result.

            Compatibility: within `/api/v1` fields, operations, optional parameters and enum values may \
            be added, never removed or changed; clients must ignore fields they do not know. A breaking \
            change means a new major version and a new base path (`/api/v2`).""";

    private static final List<Tag> TAGS = List.of(
            new Tag().name("Messages").description("Submit emails and follow each one's timeline."),
            new Tag().name("Members").description("The recipients an organization has sent to, by member id."),
            new Tag()
                    .name("Overview")
                    .description("How many emails the organization sent and what became of them, per day."),
            new Tag().name("Suppressions").description("Addresses the organization never sends to."),
            new Tag()
                    .name("Erasures")
                    .description("Erasing a recipient's personal data (the right to erasure), and the audit log of"
                            + " erasures."),
            new Tag()
                    .name("Retention")
                    .description("How long the organization's emails keep their content and their history."),
            new Tag()
                    .name("Webhook endpoints")
                    .description("The organization's own endpoints, where Mailroom posts its events (Standard"
                            + " Webhooks), their deliveries and signing secrets."),
            new Tag().name("Users").description("The people of the organization (dashboard sign-ins) and their roles."),
            new Tag().name("API keys").description("API keys of the caller's organization, and the platform's."),
            new Tag().name("Send limits").description("How much an organization may send, and has sent."),
            new Tag().name("Session").description("The caller, their dashboard session and organization."),
            new Tag().name("Organizations").description("The organizations of this Mailroom (platform operator)."),
            new Tag().name("Settings").description("Providers, default provider, failover order (platform operator)."),
            new Tag()
                    .name("Dead letters")
                    .description("Messages the pipeline could not process, to replay or discard (platform operator)."));

    private static Schema<?> problemSchema() {
        Schema<?> fieldError = new ObjectSchema()
                .addProperty("field", new StringSchema().description("The offending field ('' for the whole body)"))
                .addProperty("message", new StringSchema().description("What is wrong with it, and what it must be"))
                .required(List.of("field", "message"));
        return new ObjectSchema()
                .description("An error (RFC 9457 problem details). Some answers add members of their own:"
                        + " `messageStatus` (409 on a message), `limit`, `allowed`, `plan`, `retryAt` (429).")
                .addProperty("type", new StringSchema().description("A URI naming the problem; about:blank"))
                .addProperty("title", new StringSchema().description("What was wrong, short"))
                .addProperty("status", new IntegerSchema().description("The HTTP status"))
                .addProperty("detail", new StringSchema().description("What was wrong here, and how to fix it"))
                .addProperty("instance", new StringSchema().description("The request path"))
                .addProperty("errors", new ArraySchema().items(fieldError).description("One entry per offending field"))
                .addProperty(
                        "messageStatus",
                        new StringSchema().description("The message's current status (409 on a message)"))
                .addProperty("limit", new StringSchema().description("The send window that refused (429)"))
                .addProperty("allowed", new IntegerSchema().description("That window's limit (429)"))
                .addProperty("plan", new StringSchema().description("The organization's plan (429)"))
                .addProperty(
                        "retryAt",
                        new StringSchema().format("date-time").description("When the window has room again (429)"));
    }

    /** The success status of handlers that set their own (springdoc only sees a return type: 200). */
    static final Map<String, Map<String, String>> SUCCESS = Map.ofEntries(
            Map.entry("submitMessage", Map.of("202", "Accepted: the email is in the mailbox; follow `location`")),
            Map.entry(
                    "submitMessageBatch",
                    Map.of("207", "One result per email, in order: accepted ones (with their id) and refused ones")),
            Map.entry(
                    "cancelMessage",
                    Map.of(
                            "200", "Already canceled, or canceled at once",
                            "202", "The cancellation is decided; the status follows")),
            Map.entry("retryMessage", Map.of("202", "The message is queued again")),
            Map.entry("replayDeadLetter", Map.of("202", "Replayed to its queue")),
            Map.entry("discardDeadLetter", Map.of("202", "Discarded")),
            Map.entry("createKey", Map.of("201", "Created; `secret` is shown this once")),
            Map.entry("createPlatformKey", Map.of("201", "Created; `secret` is shown this once")),
            Map.entry("createOrganization", Map.of("201", "Created, with its owner")),
            Map.entry("chooseSessionOrganization", Map.of("204", "The session now acts in that organization")),
            Map.entry("changePassword", Map.of("204", "Changed")),
            Map.entry("setDefaultProvider", Map.of("202", "Taken; every process applies it shortly")),
            Map.entry("setFailover", Map.of("202", "Taken; every process applies it shortly")),
            Map.entry(
                    "addSuppression",
                    Map.of("201", "Added", "200", "The address was suppressed already: the entry as it is")),
            Map.entry("removeSuppression", Map.of("204", "Removed")),
            Map.entry("addUser", Map.of("201", "Added")),
            Map.entry("removeUser", Map.of("204", "Removed")),
            Map.entry("replayWebhookEvents", Map.of("202", "The events are queued for the endpoint again")),
            Map.entry("sendWebhookTest", Map.of("202", "A test event is queued for the endpoint")),
            Map.entry("createWebhookEndpoint", Map.of("201", "Created; the signing secret is shown this once")),
            Map.entry("deleteWebhookEndpoint", Map.of("204", "Deleted")),
            Map.entry("eraseRecipient", Map.of("202", "Requested: follow `location` for its state and counts")));

    private static final Map<String, String> COMMON = Map.of(
            "400", "Malformed: unreadable JSON, a value of the wrong type or form, or an invalid parameter",
            "401", "No API key or session, or one Mailroom does not know",
            "403", "The caller lacks the scope this operation needs (with a session: or the CSRF token)",
            "404", "Nothing with this id in the caller's organization",
            "413", "The body is larger than `mailroom.limits.max-request-body`",
            "415", "The body is not of a media type this operation takes",
            "422", "Well-formed but invalid; `errors` names each field and what it must be");

    @Bean
    OpenApiCustomizer mailroomOperations() {
        Map<String, Map<String, Object>> examples = examples();
        return openApi -> {
            // Here rather than on the OpenAPI bean: springdoc builds the components' schemas itself.
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            OpenApiShapes.describeFields(openApi.getComponents().getSchemas());
            openApi.getPaths()
                    .forEach((path, item) -> item.readOperationsMap()
                            .forEach((method, operation) -> complete(path, method, operation, examples)));
            openApi.setPaths(sorted(openApi));
        };
    }

    private static io.swagger.v3.oas.models.Paths sorted(OpenAPI openApi) {
        io.swagger.v3.oas.models.Paths paths = new io.swagger.v3.oas.models.Paths();
        new TreeMap<>(openApi.getPaths()).forEach(paths::addPathItem);
        return paths;
    }

    private static void complete(
            String path, PathItem.HttpMethod method, Operation operation, Map<String, Map<String, Object>> examples) {
        String id = operation.getOperationId();
        ApiResponses responses = operation.getResponses();
        // The success status the handler sets, with the schema springdoc found for its return type.
        Map<String, String> success = SUCCESS.get(id);
        // The schema springdoc found for the return type: on 200, or (an operation that declares its own
        // statuses) on the 2xx it declares with useReturnTypeSchema.
        ApiResponse ok = responses.get("200");
        if (success != null && ok != null) {
            responses.remove("200");
            new TreeMap<>(success).forEach((code, description) -> {
                ApiResponse answer = new ApiResponse().description(description);
                if (!code.equals("204")) {
                    answer.setContent(ok.getContent());
                }
                responses.addApiResponse(code, answer);
            });
        } else if (ok != null && "OK".equals(ok.getDescription())) {
            ok.setDescription("OK");
        }
        OpenApiShapes.apply(operation);
        String scope = ScopeOf.operation(method.name(), path);
        if (scope != null) {
            addIfAbsent(responses, "401");
            addIfAbsent(responses, "403");
            boolean changes = method != PathItem.HttpMethod.GET;
            SecurityRequirement key =
                    new SecurityRequirement().addList(API_KEY, scope.isEmpty() ? List.of() : List.of(scope));
            SecurityRequirement session =
                    new SecurityRequirement().addList(SESSION, scope.isEmpty() ? List.of() : List.of(scope));
            if (changes) {
                session.addList(CSRF);
            }
            operation.setSecurity(List.of(key, session));
        } else {
            operation.setSecurity(List.of());
        }
        if (operation.getRequestBody() != null) {
            for (String code : List.of("400", "413", "415", "422")) {
                addIfAbsent(responses, code);
            }
        }
        List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
        if (parameters.stream().anyMatch(p -> "path".equals(p.getIn()))) {
            addIfAbsent(responses, "404");
            addIfAbsent(responses, "400");
        }
        if (parameters.stream().anyMatch(p -> "query".equals(p.getIn()))) {
            addIfAbsent(responses, "400");
        }
        for (Parameter parameter : parameters) {
            if ("Idempotency-Key".equals(parameter.getName()) && parameter.getDescription() == null) {
                parameter.setDescription("submitMessageBatch".equals(id) ? BATCH_IDEMPOTENCY_KEY : IDEMPOTENCY_KEY);
            }
        }
        // Every error answer is problem+json.
        responses.forEach((code, response) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                response.setContent(new Content()
                        .addMediaType(
                                PROBLEM_JSON,
                                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
            }
        });
        headers(id, responses);
        ApiResponses ordered = new ApiResponses();
        new TreeMap<>(responses).forEach(ordered::addApiResponse);
        operation.setResponses(ordered);
        applyExamples(operation, examples.get(id));
    }

    static final String IDEMPOTENCY_KEY =
            "Makes the submission safe to retry: the same key with the same body answers the first result"
                    + " (header `Idempotent-Replayed: true`) for `mailroom.api.idempotency-window`; the same key"
                    + " with another body is 409. At most 255 printable ASCII characters.";

    static final String BATCH_IDEMPOTENCY_KEY =
            "Makes the batch safe to retry: the same key with the same batch answers the same ids (each with"
                    + " `replayed: true` once recorded) and sends nothing twice; the same key with a different batch"
                    + " is 409. At most 251 characters; the items are recorded under `<key>#0`, `<key>#1`, …";

    /** The response headers a client acts on: when to retry, whether a submission was a replay, the send limits. */
    private static void headers(String id, ApiResponses responses) {
        responses.forEach((code, response) -> {
            String description = response.getDescription() == null ? "" : response.getDescription();
            // A batch over a send limit is answered 207 with the items beyond it refused, and Retry-After.
            if (code.equals("429")
                    || description.contains("`Retry-After`")
                    || ("submitMessageBatch".equals(id) && code.equals("207"))) {
                response.addHeaderObject(
                        "Retry-After",
                        new Header()
                                .description("Seconds to wait before trying again")
                                .schema(new IntegerSchema()));
            }
            boolean submission = "submitMessage".equals(id) || "submitMessageBatch".equals(id);
            if (submission && code.startsWith("2")) {
                response.addHeaderObject(
                        MessagesController.IDEMPOTENT_REPLAYED,
                        new Header()
                                .description("true when the Idempotency-Key named what was recorded already:"
                                        + " nothing was sent again")
                                .schema(new StringSchema()._enum(List.of("true"))));
            }
            if (submission && (code.startsWith("2") || code.equals("429"))) {
                response.addHeaderObject(
                        SendLimitHeaders.POLICY,
                        new Header()
                                .description("The organization's send limits (IETF draft RateLimit header fields),"
                                        + " when it has any")
                                .schema(new StringSchema()));
                response.addHeaderObject(
                        SendLimitHeaders.STATE,
                        new Header()
                                .description("What is left of each send limit and when it resets, when it has any")
                                .schema(new StringSchema()));
            }
        });
    }

    private static void addIfAbsent(ApiResponses responses, String code) {
        if (!responses.containsKey(code)) {
            responses.addApiResponse(code, new ApiResponse().description(COMMON.get(code)));
        }
    }

    private static void applyExamples(Operation operation, Map<String, Object> example) {
        if (example == null) {
            return;
        }
        if (example.containsKey("request") && operation.getRequestBody() != null) {
            operation.getRequestBody().getContent().values().forEach(m -> m.setExample(example.get("request")));
        }
        if (example.containsKey("response")) {
            operation.getResponses().forEach((code, response) -> {
                if (code.startsWith("2") && response.getContent() != null) {
                    response.getContent().values().forEach(m -> m.setExample(example.get("response")));
                }
            });
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> examples() {
        try (InputStream in = new ClassPathResource("openapi/examples.json").getInputStream()) {
            return JsonMapper.builder().build().readValue(in, LinkedHashMap.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The scope an operation needs, as HttpSecurityConfiguration decides it: {@code send}, {@code read},
     * {@code admin}, {@code platform}; "" for any caller; null for none (public).
     */
    static final class ScopeOf {
        private ScopeOf() {}

        static String operation(String method, String path) {
            if (path.equals("/api/v1/sign-in-options")) {
                return null;
            }
            if ((method.equals("PUT") && path.startsWith("/api/v1/settings/"))
                    || path.startsWith("/api/v1/dead-letters")
                    || path.startsWith("/api/v1/organizations")
                    || path.startsWith("/api/v1/platform/")) {
                return "platform";
            }
            if (method.equals("POST") && path.matches("/api/v1/messages/[^/]+/retry")) {
                return "admin";
            }
            if (path.startsWith("/api/v1/messages")) {
                return method.equals("GET") ? "read" : "send";
            }
            if (method.equals("GET")
                    && (path.startsWith("/api/v1/members")
                            || path.equals("/api/v1/overview")
                            || path.equals("/api/v1/webhook-endpoints")
                            || path.matches("/api/v1/webhook-endpoints/[^/]+")
                            || path.startsWith("/api/v1/suppressions")
                            || path.equals("/api/v1/retention"))) {
                return "read";
            }
            if (Set.of(
                            "/api/v1/users",
                            "/api/v1/keys",
                            "/api/v1/webhook-endpoints",
                            "/api/v1/suppressions",
                            "/api/v1/recipients",
                            "/api/v1/erasures",
                            "/api/v1/retention")
                    .stream()
                    .anyMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
                return "admin";
            }
            return "";
        }
    }
}
