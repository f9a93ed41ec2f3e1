package dev.mailroom.server.operator;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * How long an email takes to reach each stage of its timeline, from its submission ({@code submittedAt}, stamped by
 * the API or the Java client) to when the operator records the stage: {@code accepted} (recorded ACCEPTED),
 * {@code dispatched} (recorded the first attempt's DISPATCHED) and {@code first_event} (recorded the first event
 * the provider reported: delivered, bounced, opened...). The operator knows both times when it records; nothing
 * is read for it but columns of rows it locks anyway.
 *
 * <p>Scheduled messages (a {@code sendAt}) are left out of {@code dispatched} and {@code first_event}: their wait
 * is chosen, not suffered; a message held by its organization's send limit is measured with its hold once released. Retries are in {@code first_event} (their back-off is
 * what the recipient waited) but not in {@code dispatched}, which counts first attempts. A submission clock ahead of
 * the operator's counts as 0. Recorded after the transaction commits, so a batch given back is not counted twice.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class StageLatencies {
    /** Buckets from a fast pipeline's tens of milliseconds to the provider's minutes. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofMinutes(5),
        Duration.ofMinutes(15),
        Duration.ofHours(1)
    };

    /** The stages measured, each one timer (the tag values of {@code stage}). */
    enum Stage {
        ACCEPTED("accepted"),
        DISPATCHED("dispatched"),
        FIRST_EVENT("first_event");

        final String tag;

        Stage(String tag) {
            this.tag = tag;
        }
    }

    /** A stage reached by a message submitted at {@code submittedAt}, recorded at {@code recordedAt}. */
    record Reached(Stage stage, Instant submittedAt, Instant recordedAt) {}

    private final Timer[] timers = new Timer[Stage.values().length];

    StageLatencies(MeterRegistry meters) {
        for (Stage stage : Stage.values()) {
            timers[stage.ordinal()] = Timer.builder("mailroom.stage.latency")
                    .description("Time from an email's submission to when the operator recorded the stage")
                    .tag("stage", stage.tag)
                    .serviceLevelObjectives(BUCKETS)
                    .register(meters);
        }
    }

    void record(Stage stage, Instant submittedAt, Instant recordedAt) {
        if (submittedAt == null || recordedAt == null) {
            return;
        }
        long millis = Math.max(0, recordedAt.toEpochMilli() - submittedAt.toEpochMilli());
        timers[stage.ordinal()].record(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    void record(Iterable<Reached> reached) {
        for (Reached r : reached) {
            record(r.stage(), r.submittedAt(), r.recordedAt());
        }
    }
}
