package dev.mailroom.server.dispatcher;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.EmailSender;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The providers this dispatcher can send through, and which one is the default. Only configured
 * providers are registered (sandbox always is).
 */
@Component
@ConditionalOnRole(Role.DISPATCHER)
class ProviderRegistry {
    private final Map<String, EmailSender> senders;
    private final String defaultProvider;

    ProviderRegistry(List<EmailSender> senders, @Value("${mailroom.providers.default:sandbox}") String defaultProvider) {
        this.senders = senders.stream().collect(Collectors.toUnmodifiableMap(EmailSender::name, Function.identity()));
        if (!this.senders.containsKey(defaultProvider)) {
            throw new IllegalStateException("mailroom.providers.default is '" + defaultProvider + "', which is not configured here;"
                    + " configured providers: " + this.senders.keySet());
        }
        this.defaultProvider = defaultProvider;
    }

    /** The sender for a per-message override, or the default when there is none. */
    Optional<EmailSender> choose(String override) {
        return Optional.ofNullable(senders.get(override == null || override.isBlank() ? defaultProvider : override));
    }

    String nameFor(String override) {
        return override == null || override.isBlank() ? defaultProvider : override;
    }
}
