package dev.mailroom.server.dispatcher;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.messaging.Lane;
import dev.mailroom.server.messaging.MessageTracing;
import dev.mailroom.server.messaging.PublishFailedException;
import dev.mailroom.server.messaging.TrackingMessages;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.OutboundEmail;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.stereotype.Service;

/**
 * Sends a batch of dispatch commands, several at a time, and reports each outcome on the tracking
 * queue: DISPATCHED with the provider's id, DEFERRED with when to retry, or FAILED with the
 * reason; or one report per recipient when the provider judged them one by one
 * ({@link DispatchReports}). The reports are confirmed by the broker before the batch is acknowledged, so a crash
 * means a resend (bounded by the prefetch), never a lost outcome.
 */
@Service
@ConditionalOnRole(Role.DISPATCHER)
class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int MAX_REASON_LENGTH = 1000;

    private final ProviderRouter router;
    private final ConfirmedPublisher publisher;
    private final Clock clock;
    private final ExecutorService sends;
    /** The bulk lane's own senders: a bulk batch never holds up a prompt one waiting for a thread. */
    private final ExecutorService bulkSends;

    private final MeterRegistry meters;
    private final MessageTracing tracing;

    Dispatcher(
            ProviderRouter router,
            ConfirmedPublisher publisher,
            Clock clock,
            MailroomProperties properties,
            MeterRegistry meters,
            MessageTracing tracing) {
        this.tracing = tracing;
        this.router = router;
        this.meters = meters;
        this.publisher = publisher;
        this.clock = clock;
        this.sends = senders(properties.dispatcher().concurrency(), "dispatch-send");
        this.bulkSends = senders(properties.dispatcher().concurrency(), "dispatch-send-bulk");
    }

    private static ExecutorService senders(int threads, String name) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    void dispatch(List<DispatchCommand> commands) {
        dispatch(commands, Lane.PROMPT);
    }

    void dispatch(List<DispatchCommand> commands, Lane lane) {
        ExecutorService senders = lane == Lane.BULK ? bulkSends : sends;
        // Each send runs in its email's span, on a sender thread: the batch is the listener thread's.
        MessageTracing.Batch batch = MessageTracing.currentBatch();
        List<CompletableFuture<List<ActivityReport>>> outcomes = commands.stream()
                .map(c -> CompletableFuture.supplyAsync(
                        () -> {
                            if (batch == null) {
                                return sendOne(c);
                            }
                            try (MessageTracing.Handling handling = batch.handle(c.messageId())) {
                                return sendOne(c);
                            }
                        },
                        senders))
                .toList();
        var reports = TrackingMessages.of(
                outcomes.stream().flatMap(f -> f.join().stream()).toList());
        // The emails are sent: if the broker does not confirm their outcomes in time, publishing them again is
        // harmless (each report's id is deterministic and the operator records it once), whereas letting the batch
        // go back to the queue would send every email of it a second time.
        REPUBLISH_OUTCOMES.invoke(() -> publisher.publishAll(reports));
    }

    private static final RetryTemplate REPUBLISH_OUTCOMES = new RetryTemplate(RetryPolicy.builder()
            .includes(PublishFailedException.class)
            .maxRetries(4)
            .delay(Duration.ofMillis(200))
            .multiplier(2)
            .maxDelay(Duration.ofSeconds(2))
            .build());

    private List<ActivityReport> sendOne(DispatchCommand command) {
        ProviderRouter.Routed routed;
        // Anyone who can publish on the dispatching queue could skip the API's and the operator's
        // checks: the rules are checked again here, once for every provider, and an email that
        // breaks them is FAILED with the reason instead of sent. This is the only check before a
        // sender: senders rely on it (no CR/LF in headers, valid addresses) and do not repeat it.
        List<Violation> problems = new ArrayList<>(EmailRules.check(command.email()));
        if (command.unsubscribeUrl() != null && !OutboundEmail.isValidUnsubscribeUrl(command.unsubscribeUrl())) {
            problems.add(new Violation("unsubscribeUrl", "is not an http(s) URL that fits a List-Unsubscribe header"));
        }
        if (!problems.isEmpty()) {
            String summary = Violation.summary(problems);
            // Bounded: the reason is stored with the FAILED activity.
            String reason = "invalid email: "
                    + (summary.length() > MAX_REASON_LENGTH ? summary.substring(0, MAX_REASON_LENGTH) + "…" : summary);
            log.warn("Dispatch command for message {} refused: {}", command.messageId(), reason);
            routed = new ProviderRouter.Routed(command.provider(), new DeliveryOutcome.Rejected(reason));
        } else {
            routed = send(command);
        }
        meters.counter(
                        "mailroom.dispatch.outcomes",
                        "provider",
                        String.valueOf(routed.provider()),
                        "outcome",
                        routed.outcome().getClass().getSimpleName())
                .increment();
        return DispatchReports.of(command, routed.provider(), routed.outcome(), clock.instant());
    }

    private ProviderRouter.Routed send(DispatchCommand command) {
        ProviderRouter.Routed routed;
        try (MessageTracing.Handling call = tracing.call("provider send", command.provider())) {
            routed = router.send(
                    command.provider(),
                    new OutboundEmail(
                            command.messageId(), command.attempt(), command.email(), command.unsubscribeUrl()));
        } catch (RuntimeException e) {
            // A bug in a sender; retrying keeps the message alive until it is fixed or attempts run out.
            log.error("Sending message {} threw", command.messageId(), e);
            routed = new ProviderRouter.Routed(
                    command.provider(), new DeliveryOutcome.RetryLater("internal error while sending: " + e, null));
        }
        return routed;
    }

    @Override
    public void close() {
        sends.shutdownNow();
        bulkSends.shutdownNow();
    }
}
