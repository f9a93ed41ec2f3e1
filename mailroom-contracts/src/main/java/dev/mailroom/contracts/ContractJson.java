package dev.mailroom.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of the queue messages, shared by every producer and consumer.
 * Unknown properties are ignored so that a newer producer's additions do not break an older
 * consumer; a breaking change gets a new type name instead (see {@link MessageTypes}).
 */
public final class ContractJson {
    /**
     * What one queue message may be. The largest valid one is a submission of
     * {@link EmailRules#MAX_CONTENT_BYTES} (base64 attachments grow by a third, escaped text by up
     * to double); the deepest is a few levels. Anything beyond is refused while it is parsed, as
     * a {@link MalformedMessageException} (dead-lettered, never retried), before it can cost the reader
     * memory or CPU: a string of hundreds of megabytes, a nesting of thousands of levels, or a
     * number of thousands of digits (whose parsing is quadratic).
     */
    static final StreamReadConstraints READ_CONSTRAINTS = StreamReadConstraints.builder()
            .maxDocumentLength(32L * 1024 * 1024)
            .maxStringLength(16 * 1024 * 1024)
            .maxNestingDepth(64)
            .maxNumberLength(100)
            .maxNameLength(4096)
            .build();

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(READ_CONSTRAINTS)
                    .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    private ContractJson() {}

    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object message) {
        return MAPPER.writeValueAsBytes(message);
    }

    /**
     * Reads a queue body.
     *
     * @throws MalformedMessageException when the bytes are not a valid {@code type}
     */
    public static <T> T read(byte[] body, Class<T> type) {
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new MalformedMessageException("empty body for " + type.getSimpleName());
            }
            return value;
        } catch (JacksonException e) {
            throw new MalformedMessageException(
                    "not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
