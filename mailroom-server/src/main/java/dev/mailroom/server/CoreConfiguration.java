package dev.mailroom.server;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CoreConfiguration {
    /** Injected wherever time is read, so tests can reason about it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
