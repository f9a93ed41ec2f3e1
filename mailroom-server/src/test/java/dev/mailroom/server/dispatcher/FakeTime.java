package dev.mailroom.server.dispatcher;

import dev.mailroom.server.MailroomProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Virtual time for the quota tests: sleeping moves it on at once, and the wall clock follows it, so
 * a test of seconds of pacing takes milliseconds and asserts exact instants.
 */
final class FakeTime extends Clock implements ProviderQuotas.Ticker {
    static final Instant START = Instant.parse("2026-11-28T12:00:00Z");
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public long nanos() {
        return nanos.get();
    }

    @Override
    public void sleep(long n) {
        nanos.addAndGet(n);
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public Instant instant() {
        return START.plusNanos(nanos.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    /** A dispatcher that has heard itself and nobody else for longer than the join takes. */
    static PeerView alone(String self) {
        AtomicLong frozen = new AtomicLong();
        PeerView view = new PeerView(self, Duration.ofSeconds(1), frozen::get);
        view.heard(new PeerView.Heartbeat(self, Set.of(self), false));
        frozen.set(Duration.ofMillis(1600).toNanos());
        return view;
    }

    /** Quotas of a dispatcher alone in the installation, on this virtual time. */
    ProviderQuotas quotasAlone(MailroomProperties.Dispatcher settings, MeterRegistry meters) {
        return new ProviderQuotas(settings, alone("me"), this, this, meters);
    }
}
