package dev.mailroom.server.accounts;

import dev.mailroom.contracts.NotificationTypes;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.NotifierProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.WebhookTargets;
import dev.mailroom.server.accounts.WebhookEndpointRequests.EndpointChange;
import dev.mailroom.server.accounts.WebhookEndpointRequests.NewEndpoint;
import dev.mailroom.server.accounts.WebhookEndpointRequests.SecretRotation;
import dev.mailroom.server.accounts.WebhookEndpointStore.EndpointRow;
import dev.mailroom.server.accounts.WebhookEndpointStore.SecretRow;
import dev.mailroom.server.accounts.WebhookEndpointViews.CreatedEndpoint;
import dev.mailroom.server.accounts.WebhookEndpointViews.EndpointView;
import dev.mailroom.server.accounts.WebhookEndpointViews.SecretView;
import dev.mailroom.server.accounts.WebhookEndpointViews.SecretsView;
import dev.mailroom.server.security.Caller;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An organization's webhook endpoints (issue 13): where the notifier delivers its events, and the secrets it signs
 * them with (Standard Webhooks). Like {@link Accounts}, every caller method works within the caller's organization
 * only (another organization's endpoint is "not found"), checks everything first and changes nothing when it
 * refuses. The notifier reads the endpoints and secrets, and disables an endpoint that keeps failing through
 * {@link #disableWebhookEndpoint}: this package stays the only writer of both tables.
 */
@Component
@ConditionalOnRole({Role.API, Role.OPERATOR})
public class WebhookEndpoints {
    /** Endpoints per organization: each is delivered every subscribed event, so a bound keeps fan-out bounded. */
    public static final int MAX_ENDPOINTS = 20;

    public static final int MAX_DESCRIPTION = 256;
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
    public static final Duration MAX_GRACE = Duration.ofDays(7);
    static final int MAX_REASON = 512;

    /** Standard Webhooks: {@code whsec_} and the base64 of the key; 32 random bytes make a 256-bit HMAC key. */
    static final String SECRET_PREFIX = "whsec_";

    static final int SECRET_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookEndpointStore store;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final WebhookTargets.Rules rules;

    WebhookEndpoints(
            WebhookEndpointStore store,
            @Qualifier(AccountsDatabase.POOL) TransactionTemplate transactions,
            Clock clock,
            NotifierProperties properties) {
        this.store = store;
        this.transactions = transactions;
        this.clock = clock;
        this.rules = properties.targets();
    }

    public List<EndpointView> list(Caller caller) {
        return store.list(Accounts.requireOrganization(caller)).stream()
                .map(EndpointView::of)
                .toList();
    }

    public EndpointView get(Caller caller, UUID id) {
        return EndpointView.of(find(Accounts.requireOrganization(caller), id));
    }

    /** A new endpoint with its first secret. 409 when the organization has {@value #MAX_ENDPOINTS} already. */
    public CreatedEndpoint create(Caller caller, NewEndpoint request) {
        String organization = Accounts.requireOrganization(caller);
        List<Violation> problems = new ArrayList<>();
        String url = checkUrl(problems, request.url());
        List<String> eventTypes = checkEventTypes(problems, request.eventTypes());
        String description = checkDescription(problems, request.description());
        if (!problems.isEmpty()) {
            throw AccountException.invalid(problems);
        }
        Instant now = clock.instant();
        EndpointRow row = new EndpointRow(
                UUID.randomUUID(),
                organization,
                url,
                description,
                eventTypes,
                request.enabled() == null || request.enabled(),
                null,
                null,
                now,
                now);
        SecretRow secret = new SecretRow(UUID.randomUUID(), row.id(), newSecret(), now, null);
        transactions.executeWithoutResult(t -> {
            store.lockOrganization(organization);
            if (store.count(organization) >= MAX_ENDPOINTS) {
                throw AccountException.conflict(
                        "webhookEndpoints",
                        "an organization has at most " + MAX_ENDPOINTS + " webhook endpoints; delete one first");
            }
            store.insert(row);
            store.insertSecret(secret);
        });
        return new CreatedEndpoint(EndpointView.of(row), secret.secret());
    }

    /** Changes what the request names; enabling clears the reason of an automatic disabling. */
    public EndpointView update(Caller caller, UUID id, EndpointChange change) {
        String organization = Accounts.requireOrganization(caller);
        EndpointRow current = find(organization, id);
        List<Violation> problems = new ArrayList<>();
        String url = change.url() == null ? current.url() : checkUrl(problems, change.url());
        List<String> eventTypes =
                change.eventTypes() == null ? current.eventTypes() : checkEventTypes(problems, change.eventTypes());
        String description =
                change.description() == null ? current.description() : checkDescription(problems, change.description());
        if (!problems.isEmpty()) {
            throw AccountException.invalid(problems);
        }
        boolean enabled = change.enabled() == null ? current.enabled() : change.enabled();
        // Enabling is an admin's decision that the endpoint works again: the automatic disabling's reason goes.
        boolean cleared = Boolean.TRUE.equals(change.enabled());
        EndpointRow changed = new EndpointRow(
                current.id(),
                organization,
                url,
                description,
                eventTypes,
                enabled,
                cleared ? null : current.disabledReason(),
                cleared ? null : current.disabledAt(),
                current.createdAt(),
                clock.instant());
        if (!store.update(changed)) {
            throw AccountException.notFound("id", "webhook endpoint");
        }
        return EndpointView.of(changed);
    }

    /** The endpoint and its secrets; its deliveries still pending are the notifier's to drop. */
    public void delete(Caller caller, UUID id) {
        if (!store.delete(Accounts.requireOrganization(caller), id)) {
            throw AccountException.notFound("id", "webhook endpoint");
        }
    }

    public SecretsView secrets(Caller caller, UUID id) {
        EndpointRow endpoint = find(Accounts.requireOrganization(caller), id);
        return secretsView(store.validSecrets(endpoint.id(), clock.instant()));
    }

    /**
     * A new current secret; the one before stays valid for the grace period ({@value #DEFAULT_GRACE} unless
     * given, at most {@link #MAX_GRACE}; zero ends it at once) so that the receiver can switch without losing an
     * event. Secrets already expired are deleted on the way.
     */
    public SecretsView rotate(Caller caller, UUID id, SecretRotation rotation) {
        String organization = Accounts.requireOrganization(caller);
        find(organization, id);
        Duration grace = graceOf(rotation == null ? null : rotation.gracePeriod());
        return transactions.execute(t -> {
            store.findForUpdate(organization, id)
                    .orElseThrow(() -> AccountException.notFound("id", "webhook endpoint"));
            Instant now = clock.instant();
            store.expireSecrets(id, now.plus(grace));
            store.deleteExpiredSecrets(id, now);
            store.insertSecret(new SecretRow(UUID.randomUUID(), id, newSecret(), now, null));
            return secretsView(store.validSecrets(id, now));
        });
    }

    // The notifier's side.

    /**
     * Disables an endpoint automatically (a long failure streak), with the reason its organization will see.
     * False when the endpoint no longer exists.
     */
    public boolean disableWebhookEndpoint(UUID id, String reason) {
        String shown = reason == null || reason.isBlank() ? "disabled by Mailroom" : reason.strip();
        if (shown.length() > MAX_REASON) {
            shown = shown.substring(0, MAX_REASON - 1) + "…";
        }
        return store.disable(id, shown, clock.instant());
    }

    /** The secrets to sign a delivery to this endpoint with now, the current one first; empty when it is gone. */
    public List<String> signingSecrets(UUID endpointId) {
        return store.validSecrets(endpointId, clock.instant()).stream()
                .map(SecretRow::secret)
                .toList();
    }

    // Shared steps.

    private EndpointRow find(String organization, UUID id) {
        return store.find(organization, id).orElseThrow(() -> AccountException.notFound("id", "webhook endpoint"));
    }

    private static SecretsView secretsView(List<SecretRow> valid) {
        SecretView current = valid.stream()
                .filter(s -> s.expiresAt() == null)
                .findFirst()
                .map(SecretView::of)
                .orElse(null);
        List<SecretView> previous = valid.stream()
                .filter(s -> s.expiresAt() != null)
                .map(SecretView::of)
                .toList();
        return new SecretsView(current, previous);
    }

    private String checkUrl(List<Violation> problems, String url) {
        String trimmed = url == null ? null : url.strip();
        WebhookTargets.problemWith(trimmed, rules).ifPresent(p -> problems.add(new Violation("url", p)));
        return trimmed;
    }

    private static List<String> checkEventTypes(List<Violation> problems, List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            problems.add(new Violation(
                    "eventTypes",
                    "at least one event type, or \"" + NotificationTypes.ALL_TYPES + "\" for all; known: "
                            + NotificationTypes.all()));
            return List.of();
        }
        Set<String> types = new LinkedHashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            String type = requested.get(i);
            if (type == null || !NotificationTypes.isKnown(type)) {
                problems.add(new Violation(
                        "eventTypes[" + i + "]",
                        "unknown event type" + (type == null ? "" : " '" + type + "'") + "; known: \""
                                + NotificationTypes.ALL_TYPES + "\" (all) or " + NotificationTypes.all()));
            } else {
                types.add(type);
            }
        }
        // "*" already names every type, those added later included.
        return types.contains(NotificationTypes.ALL_TYPES) ? List.of(NotificationTypes.ALL_TYPES) : List.copyOf(types);
    }

    private static String checkDescription(List<Violation> problems, String description) {
        if (description == null || description.isBlank()) {
            return null;
        }
        String stripped = description.strip();
        if (stripped.length() > MAX_DESCRIPTION) {
            problems.add(new Violation("description", "is longer than " + MAX_DESCRIPTION + " characters"));
        } else if (stripped.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            problems.add(new Violation("description", "contains control characters"));
        }
        return stripped;
    }

    private static Duration graceOf(String text) {
        if (text == null) {
            return DEFAULT_GRACE;
        }
        Duration grace;
        try {
            grace = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw AccountException.invalid("gracePeriod", "must be an ISO-8601 duration such as PT24H");
        }
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw AccountException.invalid("gracePeriod", "must be between PT0S and " + MAX_GRACE + " (P7D)");
        }
        return grace;
    }

    static String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        RANDOM.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }
}
