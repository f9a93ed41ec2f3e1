package dev.mailroom.server;

/**
 * What a provider package says about itself, as one bean that exists in every process (whatever
 * its roles): its name in the Contract, and the property that switches it on. From these
 * {@link EnabledProviders} knows which providers this installation has, without a list of its own.
 */
public interface ProviderDescriptor {
    /** One of {@code dev.mailroom.contracts.ProviderNames}. */
    String name();

    /**
     * The property holding the credentials (or relay) the provider's sender needs: present and not
     * {@code false}, it enables the provider. Null for a provider enabled only by
     * {@code mailroom.providers.<name>.enabled=true} (the sandbox).
     */
    String enabledBy();
}
