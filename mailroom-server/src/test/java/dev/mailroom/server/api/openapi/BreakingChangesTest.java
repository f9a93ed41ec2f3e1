package dev.mailroom.server.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** What BreakingChanges calls breaking, on changes made to the committed description. */
class BreakingChangesTest {
    String committed;
    ObjectNode changed;

    @BeforeEach
    void readTheCommittedDescription() throws Exception {
        committed = Files.readString(OpenApiDocumentTest.COMMITTED, StandardCharsets.UTF_8);
        changed = (ObjectNode) ApiClient.JSON.readTree(committed);
    }

    private String changedText() {
        return ApiClient.JSON.writeValueAsString(changed);
    }

    @Test
    void theSameDescriptionBreaksNothing() {
        assertThat(BreakingChanges.between(committed, changedText())).isEmpty();
    }

    @Test
    void removingAnOperationIsBreaking() {
        ((ObjectNode) changed.path("paths").path("/api/v1/messages/{id}")).remove("get");
        assertThat(BreakingChanges.between(committed, changedText()))
                .anySatisfy(change -> assertThat(change).contains("/api/v1/messages/{id}"));
    }

    @Test
    void removingAResponsePropertyIsBreaking() {
        ((ObjectNode) schema("MessageDetail").path("properties")).remove("subject");
        assertThat(BreakingChanges.between(committed, changedText())).isNotEmpty();
    }

    @Test
    void aNewRequiredRequestPropertyIsBreaking() {
        ObjectNode request = schema("SubmissionRequest");
        ((ObjectNode) request.path("properties")).putObject("priority").put("type", "string");
        request.withArray("required").add("priority");
        assertThat(BreakingChanges.between(committed, changedText()))
                .anySatisfy(change -> assertThat(change).contains("submitMessage"));
    }

    @Test
    void aNewOptionalPropertyIsNotBreaking() {
        ((ObjectNode) schema("SubmissionRequest").path("properties"))
                .putObject("priority")
                .put("type", "string");
        ((ObjectNode) schema("MessageDetail").path("properties"))
                .putObject("openedAt")
                .put("type", "string");
        assertThat(BreakingChanges.between(committed, changedText())).isEmpty();
    }

    @Test
    void aNewOperationIsNotBreaking() {
        ObjectNode path = ((ObjectNode) changed.path("paths")).putObject("/api/v1/messages/{id}/events");
        path.set(
                "get",
                changed.path("paths").path("/api/v1/messages/{id}").path("get").deepCopy());
        ((ObjectNode) path.path("get")).put("operationId", "listMessageEvents");
        assertThat(BreakingChanges.between(committed, changedText())).isEmpty();
    }

    private ObjectNode schema(String name) {
        ObjectNode schema =
                (ObjectNode) changed.path("components").path("schemas").path(name);
        assertThat(schema.isObject())
                .as("schema %s in the committed description", name)
                .isTrue();
        return schema;
    }
}
