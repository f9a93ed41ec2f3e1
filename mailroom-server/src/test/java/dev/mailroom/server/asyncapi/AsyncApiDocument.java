package dev.mailroom.server.asyncapi;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * docs/api/asyncapi.yaml as tests read it: the document as JSON, and its JSON schemas as validators. The schemas are
 * the AsyncAPI Schema Object, a superset of JSON Schema draft 07; their {@code $ref}s point into the document, so the
 * document's schemas are registered under one IRI and each schema is taken at its JSON pointer.
 */
final class AsyncApiDocument {
    /** Where the schemas' references resolve; nothing is fetched from it. */
    private static final String IRI = "https://mailroom.invalid/docs/api/asyncapi.json";

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path root;
    private final JsonNode doc;
    private final SchemaRegistry schemas;

    private AsyncApiDocument(Path root) {
        this.root = root;
        try {
            this.doc = YAMLMapper.builder().build().readTree(Files.readString(path()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Only the schemas are registered: the document's root has keywords of its own (its AsyncAPI "id", say) that a
        // JSON Schema reader would take for schema keywords. The references ("#/components/schemas/…") stay valid.
        ObjectNode schemaDocument = JSON.createObjectNode();
        schemaDocument.putObject("components").set("schemas", doc.at("/components/schemas"));
        String json = JSON.writeValueAsString(schemaDocument);
        this.schemas = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_7, builder -> builder.schemas(Map.of(IRI, json)));
    }

    /** The document of the repository this test runs in (found upwards from the working directory). */
    static AsyncApiDocument load() {
        return new AsyncApiDocument(projectRoot());
    }

    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docs/api/asyncapi.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no docs/api/asyncapi.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    Path path() {
        return root.resolve("docs/api/asyncapi.yaml");
    }

    Path root() {
        return root;
    }

    JsonNode json() {
        return doc;
    }

    /** The node at a JSON pointer ({@code /channels/mailbox/address}); missing → a missing node. */
    JsonNode at(String pointer) {
        return doc.at(pointer);
    }

    /** Follows a local {@code $ref} chain. */
    JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            String ref = current.get("$ref").asString();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("not a local reference: " + ref);
            }
            current = doc.at(ref.substring(1));
        }
        return current;
    }

    /** The schema at a JSON pointer into the document ({@code /components/schemas/SubmitMessage}). */
    Schema schema(String pointer) {
        return schemas.getSchema(SchemaLocation.of(IRI + "#" + pointer));
    }

    /** The validation errors of {@code instance} against the schema at {@code pointer}, as text. */
    List<String> errors(String pointer, JsonNode instance) {
        return schema(pointer).validate(instance).stream().map(Error::toString).toList();
    }
}
