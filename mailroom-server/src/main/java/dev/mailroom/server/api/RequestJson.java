package dev.mailroom.server.api;

import dev.mailroom.server.InputLimits;
import java.util.List;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Read limits of the JSON that Spring MVC reads (request bodies). A valid submission is a few
 * levels deep and a few thousand tokens; its only long strings are base64 attachments of at most
 * {@code EmailRules.MAX_ATTACHMENT_BYTES}. Beyond these limits the body is refused (400
 * problem+json) while it is parsed, before it costs memory or CPU.
 *
 * <p>Spring Boot 4.0 has no property or customizer for the JSON factory of its mapper (its
 * documentation lists {@code JsonFactoryBuilderCustomizer} and {@code spring.jackson.factory.*}
 * from 4.1), and its {@code jsonMapperBuilder} starts from a default factory. This builder takes
 * its place (that one is {@code @ConditionalOnMissingBean}) and does what it does: apply every
 * {@link JsonMapperBuilderCustomizer}, in order, so {@code spring.jackson.*} still applies. On
 * Boot 4.1 a {@code JsonFactoryBuilderCustomizer} can replace this class.
 */
@Configuration(proxyBeanMethods = false)
class RequestJson {

    static StreamReadConstraints constraints(InputLimits limits) {
        return StreamReadConstraints.builder()
                .maxDocumentLength(limits.maxRequestBody().toBytes())
                .maxStringLength(16 * 1024 * 1024)
                .maxNestingDepth(32)
                .maxNumberLength(100)
                .maxNameLength(1024)
                .maxTokenCount(100_000)
                .build();
    }

    /**
     * A batch ({@code MessageBatchController}) is read by a mapper of its own: up to
     * {@code mailroom.limits.max-batch-body} long, and with room for as many tokens as 50 single requests
     * at their limit (500 ordinary emails use a small part of that); the other limits are a single request's.
     */
    static StreamReadConstraints batchConstraints(InputLimits limits) {
        return constraints(limits)
                .rebuild()
                .maxDocumentLength(limits.maxBatchBody().toBytes())
                .maxTokenCount(5_000_000)
                .build();
    }

    @Bean
    @Scope("prototype")
    JsonMapper.Builder constrainedJsonMapperBuilder(List<JsonMapperBuilderCustomizer> customizers, InputLimits limits) {
        return builder(customizers, constraints(limits));
    }

    /** A mapper builder as Spring Boot's (every customizer applied, in order) over a factory with these limits. */
    static JsonMapper.Builder builder(List<JsonMapperBuilderCustomizer> customizers, StreamReadConstraints limits) {
        JsonMapper.Builder builder = JsonMapper.builder(
                JsonFactory.builder().streamReadConstraints(limits).build());
        customizers.forEach(customizer -> customizer.customize(builder));
        return builder;
    }
}
