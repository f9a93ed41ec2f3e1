package dev.mailroom.server.api.openapi;

import dev.mailroom.server.support.ApiClient;
import java.util.ArrayList;
import java.util.List;
import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;
import tools.jackson.databind.JsonNode;

/**
 * The breaking changes from one API description to the next, by openapi-diff: a removed path, operation,
 * parameter, response field or enum value, a new required request field or parameter, a changed type, a
 * removed success status... Anything a client written against the old description could trip on.
 * openapi-diff (openapi-diff-core) compares the operations; a small check of our own adds removed schema
 * properties, which openapi-diff lets pass in responses.
 */
final class BreakingChanges {
    private BreakingChanges() {}

    /** Empty when every client of {@code before} still works against {@code after}. */
    static List<String> between(String before, String after) {
        ChangedOpenApi diff = OpenApiCompare.fromContents(before, after);
        List<String> breaking = new ArrayList<>(removedProperties(before, after));
        if (!diff.isIncompatible()) {
            return breaking;
        }
        diff.getMissingEndpoints().forEach(e -> breaking.add("removed: " + e.getMethod() + " " + e.getPathUrl()));
        diff.getChangedOperations().stream()
                .filter(o -> o.isIncompatible())
                .forEach(o -> breaking.add("changed incompatibly: " + o.getHttpMethod() + " " + o.getPathUrl() + " ("
                        + o.getOldOperation().getOperationId() + ")" + details(o)));
        if (breaking.isEmpty()) {
            breaking.add("an incompatible change outside the operations (security, components)");
        }
        return breaking;
    }

    /**
     * A named schema, or a property of one, that is gone. openapi-diff lets a property removed from a
     * response pass (as it does for one a client never reads); our rule is stricter: a client may read
     * any field we ever described, so none disappears within a major version.
     */
    static List<String> removedProperties(String before, String after) {
        JsonNode old = ApiClient.JSON.readTree(before).path("components").path("schemas");
        JsonNode now = ApiClient.JSON.readTree(after).path("components").path("schemas");
        List<String> removed = new ArrayList<>();
        old.properties().forEach(schema -> {
            JsonNode current = now.path(schema.getKey());
            if (current.isMissingNode()) {
                removed.add("removed schema: " + schema.getKey());
                return;
            }
            schema.getValue().path("properties").propertyNames().forEach(property -> {
                if (!current.path("properties").has(property)) {
                    removed.add("removed property: " + schema.getKey() + "." + property);
                }
            });
        });
        return removed;
    }

    private static String details(org.openapitools.openapidiff.core.model.ChangedOperation operation) {
        List<String> parts = new ArrayList<>();
        if (operation.getParameters() != null && operation.getParameters().isIncompatible()) {
            parts.add("parameters");
        }
        if (operation.getRequestBody() != null && operation.getRequestBody().isIncompatible()) {
            parts.add("request body");
        }
        if (operation.getApiResponses() != null && operation.getApiResponses().isIncompatible()) {
            parts.add("responses");
        }
        if (operation.getSecurityRequirements() != null
                && operation.getSecurityRequirements().isIncompatible()) {
            parts.add("security");
        }
        return parts.isEmpty() ? "" : ": " + String.join(", ", parts);
    }
}
