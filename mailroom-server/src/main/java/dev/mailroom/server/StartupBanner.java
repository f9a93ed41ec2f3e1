package dev.mailroom.server;

import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Tells the person who just started Mailroom where it is and how to use it. */
@Component
class StartupBanner {
    private static final Logger log = LoggerFactory.getLogger(StartupBanner.class);
    private final Environment env;
    private final PublicUrl publicUrl;
    private final java.util.List<ApiKeyHint> keyHints;
    private final java.util.List<SignInHint> signInHints;

    StartupBanner(
            Environment env,
            PublicUrl publicUrl,
            java.util.List<ApiKeyHint> keyHints,
            java.util.List<SignInHint> signInHints) {
        this.env = env;
        this.publicUrl = publicUrl;
        this.keyHints = keyHints;
        this.signInHints = signInHints;
    }

    @EventListener(ApplicationReadyEvent.class)
    void printWelcome() {
        Set<Role> roles = Role.parse(env.getProperty(Role.PROPERTY));
        StringBuilder text = new StringBuilder("\n\n  Mailroom is ready (roles: ")
                .append(roles)
                .append(")\n");
        text.append("  URL:      ").append(publicUrl.get()).append('\n');
        if (roles.contains(Role.API)) {
            String key = keyHints.stream()
                    .map(ApiKeyHint::apiKeyForDisplay)
                    .findFirst()
                    .orElse("?");
            text.append("  API key:  ").append(key).append('\n');
            text.append("  Dashboard: ")
                    .append(publicUrl.get())
                    .append("/dashboard/")
                    .append('\n');
            text.append("  API docs: ")
                    .append(publicUrl.get())
                    .append("/swagger-ui.html (OpenAPI: /v3/api-docs)")
                    .append('\n');
            signInHints.stream()
                    .map(SignInHint::signInForDisplay)
                    .flatMap(java.util.Optional::stream)
                    .findFirst()
                    .ifPresent(
                            signIn -> text.append("  Sign in:  ").append(signIn).append('\n'));
        }
        // With spring.rabbitmq.addresses (the nodes of a cluster), those, without any user:password@ they may hold;
        // host and port are then not used.
        String addresses = env.getProperty("spring.rabbitmq.addresses");
        if (addresses != null) {
            addresses = addresses.replaceAll("[^,@]*@", "").replace(" ", "");
        }
        text.append("  AMQP:     amqp://")
                .append(
                        addresses != null && !addresses.isBlank()
                                ? addresses
                                : env.getProperty("spring.rabbitmq.host") + ":"
                                        + env.getProperty("spring.rabbitmq.port"))
                .append(
                        "true".equals(env.getProperty("mailroom.embedded.broker"))
                                ? " (embedded broker, user " + env.getProperty("spring.rabbitmq.username")
                                        + ", password in "
                                        + env.getProperty(
                                                "mailroom.embedded.amqp-password-location", "spring.rabbitmq.password")
                                        + ")"
                                : "")
                .append('\n');
        log.info(text.toString());
    }
}
