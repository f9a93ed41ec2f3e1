package dev.mailroom.server.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.TestConfiguration;

/**
 * A provider's own end-to-end fixtures: a configuration class in its test package
 * ({@code dev.mailroom.server.providers.<name>}) with its fakes and the properties that point the
 * provider at them. {@link EndToEndTest} collects every such class, and every
 * {@code end-to-end.properties} beside them (the provider's credentials, which the provider's
 * conditions need before any bean exists), so a new provider edits no shared test setup.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestConfiguration(proxyBeanMethods = false)
public @interface ProviderFixtures {
    /** Where {@link EndToEndTest} finds each provider's properties. */
    String PROPERTIES = "classpath*:dev/mailroom/server/providers/*/end-to-end.properties";
}
