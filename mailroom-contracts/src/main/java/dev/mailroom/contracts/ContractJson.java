package dev.mailroom.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of the queue messages, shared by every producer and consumer.
 * Unknown properties are ignored so that a newer producer's additions do not break an older
 * consumer; a breaking change gets a new type name instead (see {@link MessageTypes}).
 */
public final class ContractJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    private ContractJson() {
    }

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
            throw new MalformedMessageException("not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
