package dev.mailroom.server.providers.sandbox;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Ids;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.PublicUrl;
import dev.mailroom.server.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Posts the sandbox's events to {@code {public-url}/webhooks/sandbox}, signed, one step at a
 * time (all recipients of a message per call), the way a provider reports over the minutes after
 * a send. Failed posts are retried with back-off, as providers retry their webhooks.
 */
@Component
@ConditionalOnBooleanProperty("mailroom.providers.sandbox.enabled")
@ConditionalOnRole(Role.DISPATCHER)
class SandboxEventPoster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SandboxEventPoster.class);
    private static final int MAX_POST_ATTEMPTS = 8;

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "sandbox-webhooks");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SandboxProperties properties;
    private final SandboxSecret secret;
    private final PublicUrl publicUrl;
    private final Clock clock;

    SandboxEventPoster(SandboxProperties properties, SandboxSecret secret, PublicUrl publicUrl, Clock clock) {
        this.properties = properties;
        this.secret = secret;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    void reportLater(UUID messageId, String sandboxId, List<String> recipients) {
        List<List<SandboxScenario.Step>> plans =
                recipients.stream().map(SandboxScenario::forRecipient).toList();
        int steps = plans.stream().mapToInt(List::size).max().orElse(0);
        long delay = properties.eventDelay().toMillis();
        for (int step = 0; step < steps; step++) {
            int index = step;
            scheduler.schedule(
                    () -> post(messageId, sandboxId, recipients, plans, index, 1),
                    delay * (step + 1),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void post(
            UUID messageId,
            String sandboxId,
            List<String> recipients,
            List<List<SandboxScenario.Step>> plans,
            int step,
            int attempt) {
        Instant now = clock.instant();
        List<SandboxWebhook.Event> events = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            if (step < plans.get(i).size()) {
                SandboxScenario.Step s = plans.get(i).get(step);
                String eventId = Ids.of(
                                SandboxProvider.NAME, sandboxId, recipients.get(i), Integer.toString(step), s.event())
                        .toString();
                events.add(new SandboxWebhook.Event(
                        eventId, s.event(), messageId.toString(), sandboxId, recipients.get(i), now, s.details()));
            }
        }
        byte[] body = ContractJson.write(new SandboxWebhook(events));
        HttpRequest request = HttpRequest.newBuilder(URI.create(publicUrl.get() + "/webhooks/sandbox"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header(SandboxSignature.HEADER, SandboxSignature.sign(secret.value(), now, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            boolean ok = error == null && response.statusCode() / 100 == 2;
            if (ok) {
                return;
            }
            String why = error != null ? error.toString() : "HTTP " + response.statusCode();
            // Like a real provider: a refusal (4xx) is final, but "too many" (429) and "too slow" (408)
            // are retried, no sooner than the sink's Retry-After.
            int status = response == null ? 0 : response.statusCode();
            if (attempt >= MAX_POST_ATTEMPTS || (status / 100 == 4 && status != 429 && status != 408)) {
                log.warn("Sandbox gave up reporting step {} of message {}: {}", step, messageId, why);
                return;
            }
            long retryAfterMillis = response == null
                    ? 0
                    : Math.min(
                            60_000,
                            Math.max(
                                            0,
                                            response.headers()
                                                    .firstValueAsLong("Retry-After")
                                                    .orElse(0))
                                    * 1000);
            long backoff = Math.max(retryAfterMillis, 500L << attempt);
            scheduler.schedule(
                    () -> post(messageId, sandboxId, recipients, plans, step, attempt + 1),
                    backoff,
                    TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
