package dev.mailroom.server;

import dev.mailroom.contracts.ProviderNames;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Which providers this installation sends through. Every provider is off unless configured: a
 * provider is enabled by its credentials (the property its sender needs) or by an explicit
 * {@code mailroom.providers.<name>.enabled=true} — the latter for processes that take
 * submissions but do not send (an API process need not hold the providers' secrets). The sandbox,
 * which sends nothing and reports made-up events, is enabled only explicitly; the
 * zero-configuration embedded run sets that switch (see {@code embedded.EmbeddedDefaults}). Each
 * provider package says what enables it ({@link ProviderDescriptor}); the Contract's
 * {@link ProviderNames} gives the order.
 *
 * <p>Every process reads the same configuration, so the API refuses (422) what no dispatcher
 * would send, and a dispatcher answers FAILED for a provider it has not got.
 */
@Component
public class EnabledProviders {
    private final List<String> enabled;
    private final String defaultProvider;

    public EnabledProviders(Environment env, List<ProviderDescriptor> providers, MailroomProperties properties) {
        Map<String, ProviderDescriptor> byName =
                providers.stream().collect(Collectors.toMap(ProviderDescriptor::name, Function.identity()));
        List<String> unknown = byName.keySet().stream()
                .filter(name -> !ProviderNames.isKnown(name))
                .sorted()
                .toList();
        if (!unknown.isEmpty()) {
            // A new provider package whose name was not added to the Contract: say so at start.
            throw new IllegalStateException(
                    "provider packages declare names missing from dev.mailroom.contracts.ProviderNames: " + unknown);
        }
        this.enabled = ProviderNames.all().stream()
                .filter(name -> byName.containsKey(name) && isEnabled(env, byName.get(name)))
                .toList();
        String configured = properties.providers().defaultProvider();
        if (configured != null) {
            this.defaultProvider = configured;
        } else {
            // Nothing set: the sandbox where it runs, else the first provider configured.
            this.defaultProvider = enabled.contains(ProviderNames.SANDBOX) || enabled.isEmpty()
                    ? ProviderNames.SANDBOX
                    : enabled.get(0);
        }
    }

    static boolean isEnabled(Environment env, ProviderDescriptor provider) {
        String flag = env.getProperty("mailroom.providers." + provider.name() + ".enabled");
        if (flag != null) {
            return Boolean.parseBoolean(flag.trim());
        }
        String property = provider.enabledBy();
        // Like @ConditionalOnProperty without a value: present and not "false".
        return property != null
                && env.containsProperty(property)
                && !"false".equalsIgnoreCase(env.getProperty(property));
    }

    public boolean isEnabled(String name) {
        return enabled.contains(name);
    }

    /** The enabled providers, in the Contract's order. */
    public List<String> names() {
        return enabled;
    }

    /** The provider for messages that name none, until an admin changes it at run time. */
    public String defaultProvider() {
        return defaultProvider;
    }

    /** Why a provider named by a caller cannot be used here, or null when it can. */
    public String problemWith(String name) {
        if (!ProviderNames.isKnown(name)) {
            return "unknown provider '" + name + "'; use one of " + enabled;
        }
        if (!isEnabled(name)) {
            return "provider '" + name + "' is not enabled on this Mailroom; enabled: " + enabled
                    + " (configure its credentials, or set mailroom.providers." + name + ".enabled=true)";
        }
        return null;
    }
}
