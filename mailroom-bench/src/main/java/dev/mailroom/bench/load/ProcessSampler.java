package dev.mailroom.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Samples, once a second, the CPU and memory of every process that matters to the run: the
 * Mailroom JVMs it started (and their heap, from their own Prometheus endpoint), the benchmark
 * itself, and — read-only, from /proc — RabbitMQ's and PostgreSQL's processes, which share the
 * same two cores. The machine's busy and steal time show whether anything else was competing.
 */
public final class ProcessSampler implements AutoCloseable {
    static final String BENCH = "bench";
    static final String RABBITMQ = "rabbitmq";
    static final String POSTGRES = "postgres";
    private static final long INTERVAL_MILLIS = 1000;

    /** A watched process: a Mailroom JVM (with its base URL and the token its metrics need) or a group of processes found by name. */
    record Watched(String name, long pid, String metricsBaseUrl, String metricsToken) {}

    /** One second of the run; heap used only for the JVMs scraped in that second (every other one). */
    record Sample(
            long atMicros,
            Map<String, Double> cpuPercent,
            Map<String, Long> rssBytes,
            Map<String, Long> heapUsedBytes,
            double machineBusyPercent,
            double machineStealPercent) {}

    /**
     * What one process (or group) did over a window.
     *
     * @param heapFloors the lowest heap used in the window's first and last third (-1 where not sampled)
     */
    record Usage(
            String name,
            double avgCpuPercent,
            double maxCpuPercent,
            long peakRssBytes,
            long peakHeapUsedBytes,
            HeapFloors heapFloors,
            double gcPauseSeconds,
            long gcPauses) {}

    /**
     * The lowest heap-used sample of a JVM in the first and in the last third of a window. After a
     * young collection heap used drops to about the live set, so the lowest sample tracks what the
     * JVM retains, whatever the garbage in between; -1 where a third holds no sample.
     */
    record HeapFloors(long firstThirdBytes, long lastThirdBytes) {
        static final HeapFloors NONE = new HeapFloors(-1, -1);
    }

    private final List<Watched> jvms;
    private final boolean rabbitMq;
    private final boolean postgres;
    private final long clockTicks = clockTicksPerSecond();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Map<String, double[]> gcAtStart = new HashMap<>();
    private final Map<String, double[]> gcLatest = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** @param rabbitMq,postgres whether to watch this machine's RabbitMQ and PostgreSQL processes (when Mailroom uses them) */
    ProcessSampler(List<Watched> jvms, boolean rabbitMq, boolean postgres) {
        this.jvms = List.copyOf(jvms);
        this.rabbitMq = rabbitMq;
        this.postgres = postgres;
        this.thread = new Thread(this::loop, "process-sampler");
        thread.setDaemon(true);
    }

    void start() {
        for (Watched w : jvms) {
            gcAtStart.put(w.name(), gcTotals(w));
        }
        thread.start();
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The latest second, for the progress line. */
    Sample latest() {
        return samples.isEmpty() ? null : samples.get(samples.size() - 1);
    }

    private void loop() {
        Map<Long, Long> lastTicks = new HashMap<>();
        long[] lastMachine = machineTicks();
        long lastNanos = System.nanoTime();
        int round = 0;
        // First pass only sets the baselines.
        groups().forEach((name, pids) -> pids.forEach(pid -> lastTicks.put(pid, cpuTicks(pid))));
        while (running) {
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long nowNanos = System.nanoTime();
            double seconds = (nowNanos - lastNanos) / 1e9;
            lastNanos = nowNanos;
            Map<String, Double> cpu = new LinkedHashMap<>();
            Map<String, Long> rss = new LinkedHashMap<>();
            groups().forEach((name, pids) -> {
                long ticks = 0;
                long memory = 0;
                for (long pid : pids) {
                    long now = cpuTicks(pid);
                    if (now < 0) {
                        continue;
                    }
                    Long before = lastTicks.put(pid, now);
                    // A process born since the last sample spent all its CPU within this second.
                    ticks += now - (before == null ? 0 : before);
                    memory += statusKb(pid, "VmRSS") * 1024;
                }
                cpu.put(name, 100.0 * ticks / clockTicks / seconds);
                rss.put(name, memory);
            });
            // Prometheus every other second: scraping costs the JVM a little too. Only fresh readings go
            // into the sample, so a second without one (or a failed scrape) is not taken for a reading.
            Map<String, Long> heap = new HashMap<>();
            if (round++ % 2 == 0) {
                for (Watched w : jvms) {
                    long used = heapUsed(w);
                    // -1: no answer; 0: an answer without heap figures. Neither is a reading.
                    if (used > 0) {
                        heap.put(w.name(), used);
                    }
                    gcLatest.put(w.name(), gcTotals(w));
                }
            }
            long[] machine = machineTicks();
            long total = machine[0] - lastMachine[0];
            double busy = total <= 0
                    ? 0
                    : 100.0
                            * (machine[1] - lastMachine[1])
                            / total
                            * Runtime.getRuntime().availableProcessors();
            double steal = total <= 0
                    ? 0
                    : 100.0
                            * (machine[2] - lastMachine[2])
                            / total
                            * Runtime.getRuntime().availableProcessors();
            lastMachine = machine;
            samples.add(new Sample(Clocks.nowMicros(), cpu, rss, Map.copyOf(heap), busy, steal));
        }
    }

    /** Each watched name with its current pids (PostgreSQL's backends come and go). */
    private Map<String, List<Long>> groups() {
        Map<String, List<Long>> groups = new LinkedHashMap<>();
        for (Watched w : jvms) {
            groups.put(w.name(), List.of(w.pid()));
        }
        groups.put(BENCH, List.of(ProcessHandle.current().pid()));
        if (rabbitMq) {
            groups.put(RABBITMQ, pidsNamed(Set.of("beam.smp")));
        }
        if (postgres) {
            groups.put(POSTGRES, pidsNamed(Set.of("postgres")));
        }
        return groups;
    }

    /** CPU seconds each process used between two moments (sum of the per-second samples). */
    Map<String, Double> cpuSeconds(long fromMicros, long toMicros) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        long previous = fromMicros;
        for (Sample s : samples) {
            if (s.atMicros() <= fromMicros || s.atMicros() > toMicros) {
                continue;
            }
            double interval = (s.atMicros() - previous) / 1e6;
            previous = s.atMicros();
            s.cpuPercent()
                    .forEach((name, percent) ->
                            seconds.merge(name, percent / 100 * Math.min(interval, 2.0), Double::sum));
        }
        return seconds;
    }

    List<Usage> usage(long fromMicros, long toMicros, Map<String, Long> peakRssByName) {
        List<Usage> usage = new ArrayList<>();
        List<Sample> window = samples.stream()
                .filter(s -> s.atMicros() > fromMicros && s.atMicros() <= toMicros)
                .toList();
        if (window.isEmpty()) {
            return usage;
        }
        for (String name : window.get(window.size() - 1).cpuPercent().keySet()) {
            double avg = window.stream()
                    .mapToDouble(s -> s.cpuPercent().getOrDefault(name, 0.0))
                    .average()
                    .orElse(0);
            double max = window.stream()
                    .mapToDouble(s -> s.cpuPercent().getOrDefault(name, 0.0))
                    .max()
                    .orElse(0);
            long rss = peakRssByName.getOrDefault(
                    name,
                    window.stream()
                            .mapToLong(s -> s.rssBytes().getOrDefault(name, 0L))
                            .max()
                            .orElse(0));
            long heap = samples.stream()
                    .mapToLong(s -> s.heapUsedBytes().getOrDefault(name, -1L))
                    .max()
                    .orElse(-1);
            HeapFloors floors = heapFloors(window, name, fromMicros, toMicros);
            double[] gc0 = gcAtStart.get(name);
            double[] gc1 = gcLatest.get(name);
            double gcSeconds = gc0 == null || gc1 == null ? -1 : gc1[0] - gc0[0];
            long gcCount = gc0 == null || gc1 == null ? -1 : (long) (gc1[1] - gc0[1]);
            usage.add(new Usage(name, avg, max, rss, heap, floors, gcSeconds, gcCount));
        }
        return usage;
    }

    /**
     * The heap floors of one JVM over the window ({@code fromMicros}, {@code toMicros}]: the lowest
     * heap used it reported in the window's first third and in its last third.
     */
    static HeapFloors heapFloors(List<Sample> samples, String name, long fromMicros, long toMicros) {
        if (toMicros <= fromMicros) {
            return HeapFloors.NONE;
        }
        long third = (toMicros - fromMicros) / 3;
        return new HeapFloors(
                lowestHeap(samples, name, fromMicros, fromMicros + third),
                lowestHeap(samples, name, toMicros - third, toMicros));
    }

    private static long lowestHeap(List<Sample> samples, String name, long fromMicros, long toMicros) {
        return samples.stream()
                .filter(s -> s.atMicros() > fromMicros && s.atMicros() <= toMicros)
                .map(s -> s.heapUsedBytes().get(name))
                .filter(h -> h != null)
                .mapToLong(Long::longValue)
                .min()
                .orElse(-1);
    }

    /** VmHWM (peak resident memory) of each Mailroom JVM and of the benchmark, read now, before they exit. */
    Map<String, Long> peakRss() {
        Map<String, Long> peaks = new HashMap<>();
        for (Watched w : jvms) {
            peaks.put(w.name(), statusKb(w.pid(), "VmHWM") * 1024);
        }
        peaks.put(BENCH, statusKb(ProcessHandle.current().pid(), "VmHWM") * 1024);
        return peaks;
    }

    double machineBusyAverage(long fromMicros, long toMicros) {
        return samples.stream()
                .filter(s -> s.atMicros() > fromMicros && s.atMicros() <= toMicros)
                .mapToDouble(Sample::machineBusyPercent)
                .average()
                .orElse(0);
    }

    double machineStealAverage(long fromMicros, long toMicros) {
        return samples.stream()
                .filter(s -> s.atMicros() > fromMicros && s.atMicros() <= toMicros)
                .mapToDouble(Sample::machineStealPercent)
                .average()
                .orElse(0);
    }

    private long heapUsed(Watched w) {
        String text = scrape(w);
        if (text == null) {
            return -1;
        }
        return (long) sumOf(text, "jvm_memory_used_bytes{", "area=\"heap\"");
    }

    /** {pause seconds, pause count} so far. */
    private double[] gcTotals(Watched w) {
        String text = scrape(w);
        if (text == null) {
            return null;
        }
        return new double[] {
            sumOf(text, "jvm_gc_pause_seconds_sum{", ""), sumOf(text, "jvm_gc_pause_seconds_count{", "")
        };
    }

    private String scrape(Watched w) {
        return w.metricsBaseUrl() == null
                ? null
                : PrometheusText.scrape(w.metricsBaseUrl(), w.metricsToken(), Duration.ofSeconds(2));
    }

    static double sumOf(String prometheusText, String prefix, String mustContain) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(prefix) && line.contains(mustContain)) {
                int space = line.lastIndexOf(' ');
                try {
                    sum += Double.parseDouble(line.substring(space + 1));
                } catch (NumberFormatException e) {
                    // NaN or a malformed line: skip it.
                }
            }
        }
        return sum;
    }

    /** utime + stime of a process in clock ticks, or -1 once it is gone. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (2nd field) may hold spaces; the fields after its ')' are fixed.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone.
        }
        return 0;
    }

    private static List<Long> pidsNamed(Set<String> names) {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .filter(pid -> {
                        try {
                            return names.contains(Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                                    .trim());
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The whole machine's CPU use over a short while (100% = one core), e.g. before the run starts anything. */
    public static double machineBusyOver(Duration duration) throws InterruptedException {
        long[] before = machineTicks();
        Thread.sleep(duration.toMillis());
        return machineBusySince(before);
    }

    /** The machine's CPU use (100% = one core) since {@code before}, a reading of {@link #machineTicks()}. */
    public static double machineBusySince(long[] before) {
        long[] after = machineTicks();
        long total = after[0] - before[0];
        return total <= 0
                ? 0
                : 100.0 * (after[1] - before[1]) / total * Runtime.getRuntime().availableProcessors();
    }

    /** {total, busy, steal} jiffies of the whole machine, from the first line of /proc/stat. */
    public static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = Long.parseLong(f[8]);
            long total = user + nice + system + idle + iowait + irq + softirq + steal;
            return new long[] {total, user + nice + system + irq + softirq, steal};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0, 0};
        }
    }

    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
