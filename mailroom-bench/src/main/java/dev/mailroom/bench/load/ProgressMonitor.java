package dev.mailroom.bench.load;

import dev.mailroom.bench.fake.FakeSendGrid;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Once a second: records what the benchmark can see live (confirmed submissions, the fake
 * provider's sends and posted events, queue backlogs) and prints it on one terminal line with
 * each process's CPU, so a run that is falling behind shows where while it happens.
 */
final class ProgressMonitor implements AutoCloseable {
    private final PrintStream out;
    private final LongSupplier confirmed;
    private final FakeSendGrid fake;
    private final QueueDepths queues;
    private final ProcessSampler sampler;
    private final List<PipelineAnalysis.Tick> ticks = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final String counting;
    private volatile String phase = "";
    private volatile boolean running = true;
    private final long startNanos = System.nanoTime();

    /** @param counting what {@code confirmed} counts, e.g. "submitted" emails or "events" accepted */
    ProgressMonitor(
            PrintStream out,
            String counting,
            LongSupplier confirmed,
            FakeSendGrid fake,
            QueueDepths queues,
            ProcessSampler sampler) {
        this.out = out;
        this.counting = counting;
        this.confirmed = confirmed;
        this.fake = fake;
        this.queues = queues;
        this.sampler = sampler;
        this.thread = new Thread(this::loop, "progress");
        thread.setDaemon(true);
    }

    void start(String phase) {
        this.phase = phase;
        thread.start();
    }

    void phase(String phase) {
        this.phase = phase;
    }

    List<PipelineAnalysis.Tick> ticks() {
        return List.copyOf(ticks);
    }

    private void loop() {
        long lastConfirmed = confirmed.getAsLong();
        long lastEvents = fake == null ? 0 : fake.stats().eventsPosted.sum();
        long lastSends = fake == null ? 0 : fake.stats().sendsAccepted.sum();
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long c = confirmed.getAsLong();
            long sends = fake == null ? 0 : fake.stats().sendsAccepted.sum();
            long events = fake == null ? 0 : fake.stats().eventsPosted.sum();
            ticks.add(new PipelineAnalysis.Tick(
                    Clocks.nowMicros(), c, sends, events, queues.mailbox(), queues.dispatching(), queues.tracking()));
            StringBuilder line = new StringBuilder(String.format(
                    "[%4ds %-8s] %s %,9d (%,6d/s)",
                    (System.nanoTime() - startNanos) / 1_000_000_000L, phase, counting, c, c - lastConfirmed));
            if (fake != null) {
                line.append(String.format(" | sent %,6d/s  events %,6d/s", sends - lastSends, events - lastEvents));
            }
            line.append(String.format(
                    " | waiting: mailbox %,d dispatching %,d tracking %,d",
                    queues.mailbox(), queues.dispatching(), queues.tracking()));
            ProcessSampler.Sample sample = sampler.latest();
            if (sample != null) {
                line.append(" | cpu%");
                for (Map.Entry<String, Double> cpu : sample.cpuPercent().entrySet()) {
                    line.append(' ').append(cpu.getKey()).append(' ').append(Math.round(cpu.getValue()));
                }
                line.append(String.format(
                        " (machine %d, steal %d)",
                        Math.round(sample.machineBusyPercent()), Math.round(sample.machineStealPercent())));
            }
            out.println(line);
            lastConfirmed = c;
            lastEvents = events;
            lastSends = sends;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
