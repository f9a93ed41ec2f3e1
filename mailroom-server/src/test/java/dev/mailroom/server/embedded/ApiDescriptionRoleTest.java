package dev.mailroom.server.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The API description and Swagger UI are served where the api role runs, and nowhere else. */
class ApiDescriptionRoleTest {
    @Test
    void aProcessWithTheApiServesTheDescription() {
        StandardEnvironment env = environment("api,operator");
        assertThat(env.getProperty("springdoc.api-docs.enabled")).isEqualTo("true");
        assertThat(env.getProperty("springdoc.swagger-ui.enabled")).isEqualTo("true");
    }

    @Test
    void aProcessWithoutTheApiServesNoDescription() {
        StandardEnvironment env = environment("webhooks,dispatcher");
        assertThat(env.getProperty("springdoc.api-docs.enabled")).isEqualTo("false");
        assertThat(env.getProperty("springdoc.swagger-ui.enabled")).isEqualTo("false");
    }

    private static StandardEnvironment environment(String roles) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new MapPropertySource(
                        "test",
                        Map.of(
                                "mailroom.roles", roles,
                                "spring.rabbitmq.host", "127.0.0.1",
                                "spring.datasource.url", "jdbc:h2:mem:x")));
        new EmbeddedDefaults().postProcessEnvironment(env, new SpringApplication());
        return env;
    }
}
