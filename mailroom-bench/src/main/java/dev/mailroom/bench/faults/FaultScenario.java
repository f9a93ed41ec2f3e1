package dev.mailroom.bench.faults;

import dev.mailroom.bench.fake.FakeSendGrid;
import java.time.Duration;

/** One scenario of the suite: it starts its cluster through the {@link ScenarioRun}, injects its fault and states its assertions. */
abstract class FaultScenario {
    private final int number;
    private final String slug;
    private final String title;
    private final int defaultMessages;

    FaultScenario(int number, String slug, String title, int defaultMessages) {
        this.number = number;
        this.slug = slug;
        this.title = title;
        this.defaultMessages = defaultMessages;
    }

    int number() {
        return number;
    }

    String slug() {
        return slug;
    }

    String title() {
        return title;
    }

    int defaultMessages() {
        return defaultMessages;
    }

    /** Runs the scenario; figures and failed assertions go to {@code run.result}. */
    abstract void run(ScenarioRun run, int messages) throws Exception;

    /** A provider's answer time in these scenarios: sends are in flight for a while, as with a real one. */
    static final Duration SEND_LATENCY = Duration.ofMillis(30);

    /** A provider that accepts everything: every send delivered, 20% opened, half of those clicked (fewer webhooks than 1:1:1). */
    static FakeSendGrid.Options healthyProvider() {
        return new FakeSendGrid.Options(0, 0, 1, 0.2, 0.5, 0, false, Duration.ofMillis(50), 100, "", SEND_LATENCY);
    }
}
