package dev.mailroom.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queue messages Mailroom published, as each of its processes counts them: every process
 * exposes {@code mailroom_broker_published_total{queue=...}} (one per confirmed publish) on
 * {@code /actuator/prometheus}. Read once when the measured load starts and once when the drain
 * ends; the difference, summed over processes, is what the broker carried for the load.
 */
final class PublishedMessages {
    static final String COUNTER = "mailroom_broker_published_total";
    static final String MAILBOX = "mailroom.mailbox";
    static final String DISPATCHING = "mailroom.dispatching";
    static final String TRACKING = "mailroom.tracking";
    private static final Pattern QUEUE_LABEL = Pattern.compile("[{,]\\s*queue=\"([^\"]*)\"");

    /**
     * The counters at one moment.
     *
     * @param byProcess  per process read, its count per queue (empty: the counter is absent)
     * @param unreadable processes with a metrics URL that did not answer
     */
    record Reading(Map<String, Map<String, Double>> byProcess, List<String> unreadable) {
        static final Reading NONE = new Reading(Map.of(), List.of());
    }

    /**
     * Messages published between two readings, per queue, summed over processes.
     *
     * @param byQueue null when nothing could be counted (then {@code how} says why)
     * @param how     what was counted, or why not, for the report's note
     */
    record Count(Map<String, Long> byQueue, String how) {
        boolean counted() {
            return byQueue != null;
        }
    }

    private final List<ProcessSampler.Watched> processes;

    PublishedMessages(List<ProcessSampler.Watched> processes) {
        this.processes = List.copyOf(processes);
    }

    /** Scrapes every watched process that has a metrics URL. */
    Reading read() {
        Map<String, Map<String, Double>> byProcess = new LinkedHashMap<>();
        List<String> unreadable = new ArrayList<>();
        for (ProcessSampler.Watched w : processes) {
            if (w.metricsBaseUrl() == null) {
                continue;
            }
            String text = PrometheusText.scrape(w.metricsBaseUrl(), w.metricsToken(), Duration.ofSeconds(5));
            if (text == null) {
                unreadable.add(w.name());
            } else {
                byProcess.put(w.name(), parse(text));
            }
        }
        return new Reading(byProcess, unreadable);
    }

    /** The counter's value per queue in one process's Prometheus text (series differing in other labels are added). */
    static Map<String, Double> parse(String prometheusText) {
        Map<String, Double> byQueue = new TreeMap<>();
        for (String line : prometheusText.split("\n")) {
            if (!line.startsWith(COUNTER + "{")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            Matcher queue = QUEUE_LABEL.matcher(line.substring(0, Math.max(close, 0)));
            if (close < 0 || !queue.find()) {
                continue;
            }
            // The value, optionally followed by a timestamp.
            String[] rest = line.substring(close + 1).trim().split("\\s+");
            try {
                // A queue's bulk lane carries the same messages as the queue: counted as that queue.
                byQueue.merge(queue.group(1).replaceFirst("\\.bulk$", ""), Double.parseDouble(rest[0]), Double::sum);
            } catch (NumberFormatException e) {
                // Malformed: skip it.
            }
        }
        return byQueue;
    }

    /**
     * What the processes published between {@code start} and {@code end}, plus the mailbox
     * messages the benchmark published itself (its own AMQP client is not counted by Mailroom).
     * A counter first seen at the end started from zero (Micrometer creates it on the first
     * publish). Nothing is counted when no process was read at the end or none has the counter.
     */
    static Count between(Reading start, Reading end, long ownMailboxMessages) {
        if (end.byProcess().isEmpty()) {
            return new Count(
                    null,
                    end.unreadable().isEmpty()
                            ? "no Mailroom process has a metrics URL"
                            : "no Mailroom process answered on /actuator/prometheus");
        }
        if (end.byProcess().values().stream().allMatch(Map::isEmpty)) {
            return new Count(
                    null, "the Mailroom processes do not expose " + COUNTER + " (a server older than that counter)");
        }
        Map<String, Long> byQueue = new LinkedHashMap<>();
        byQueue.put(MAILBOX, 0L);
        byQueue.put(DISPATCHING, 0L);
        byQueue.put(TRACKING, 0L);
        List<String> counted = new ArrayList<>();
        List<String> missed = new ArrayList<>(end.unreadable());
        end.byProcess().forEach((process, now) -> {
            Map<String, Double> then = start.byProcess().get(process);
            if (then == null) {
                // Not read at the start: its total would include the warm-up.
                missed.add(process);
                return;
            }
            counted.add(process);
            now.forEach((queue, value) ->
                    byQueue.merge(queue, Math.round(value - then.getOrDefault(queue, 0.0)), Long::sum));
        });
        if (counted.isEmpty()) {
            return new Count(
                    null, "no Mailroom process could be read both when the load started and when the drain ended");
        }
        byQueue.merge(MAILBOX, ownMailboxMessages, Long::sum);
        StringBuilder how = new StringBuilder("counted by the Mailroom processes themselves (" + COUNTER
                + ", confirmed publishes per queue between the start of the load and the end of the drain, "
                + String.join(" + ", counted) + ")");
        if (ownMailboxMessages > 0) {
            how.append("; the mailbox messages are the benchmark's own confirmed submissions");
        }
        if (!missed.isEmpty()) {
            how.append("; not counted, not read at both moments: ").append(String.join(", ", missed));
        }
        return new Count(byQueue, how.toString());
    }
}
