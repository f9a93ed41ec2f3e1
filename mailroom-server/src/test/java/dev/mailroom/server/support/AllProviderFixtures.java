package dev.mailroom.server.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/** Every provider's {@link ProviderFixtures}, found in the providers' test packages. */
@TestConfiguration(proxyBeanMethods = false)
@ComponentScan(
        basePackages = "dev.mailroom.server.providers",
        useDefaultFilters = false,
        includeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = ProviderFixtures.class))
class AllProviderFixtures {}
