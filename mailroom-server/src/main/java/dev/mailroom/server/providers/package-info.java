/**
 * The provider interface, and only that: a sender ({@link dev.mailroom.server.providers.EmailSender},
 * answering a {@link dev.mailroom.server.providers.DeliveryOutcome}) and a webhook receiver
 * ({@link dev.mailroom.server.providers.WebhookReceiver}). Each provider is one subpackage that
 * declares itself with a {@code dev.mailroom.server.ProviderDescriptor} (its name from
 * {@code dev.mailroom.contracts.ProviderNames}, and the property that enables it); what the
 * providers share lives in {@code support}. Adding a provider adds a subpackage and its name in the
 * Contract, nothing else ({@code ArchitectureTest} checks it).
 */
package dev.mailroom.server.providers;
