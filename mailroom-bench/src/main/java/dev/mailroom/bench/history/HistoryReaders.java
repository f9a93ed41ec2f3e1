package dev.mailroom.bench.history;

import dev.mailroom.bench.load.Percentiles;
import dev.mailroom.bench.load.ProcessSampler;
import dev.mailroom.bench.report.BenchReport;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Concurrent readers of the REST API, one organization and one kind of request at a time: {@code readers} threads,
 * each with the organization's key, until {@code requests} requests or {@code kindTime}, whichever comes first. A
 * request's latency is from sending it to having its whole answer (client side, over loopback); only 200s count in
 * the percentiles, anything else is an error with its status. The walks (pages after the first) follow
 * {@code nextCursor} from a first page that is not counted, to {@code depth} pages, and begin again at the end.
 */
final class HistoryReaders {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** An organization to read, with its sample and its key. */
    record Target(HistorySample sample, String key) {}

    /**
     * What one kind of request measured for one organization.
     *
     * @param itemsPerAnswer   the mean number of list items a 200 answered (1 for one message or member)
     * @param machineBusyPercent the whole machine's CPU use meanwhile (100% = one core): Mailroom, PostgreSQL, the
     *                           readers themselves and anything else running
     */
    record KindResult(
            QueryKind kind,
            String request,
            BenchReport.Latency latency,
            int errors,
            String lastError,
            double itemsPerAnswer,
            double seconds,
            double machineBusyPercent) {

        double perSecond() {
            return seconds <= 0 ? 0 : latency.count() / seconds;
        }

        boolean met() {
            return latency.count() > 0 && errors == 0 && latency.p99() < kind.targetP99Millis;
        }
    }

    private record Answer(int status, byte[] body, long micros) {}

    private final String apiUrl;
    private final int readers;
    private final int requests;
    private final Duration kindTime;
    private final int pageDepth;
    private final int memberPageDepth;
    private final long seed;
    private final PrintStream out;
    private final HttpClient http;

    HistoryReaders(
            String apiUrl,
            int readers,
            int requests,
            Duration kindTime,
            int pageDepth,
            int memberPageDepth,
            long seed,
            PrintStream out) {
        this.apiUrl = apiUrl;
        this.readers = readers;
        this.requests = requests;
        this.kindTime = kindTime;
        this.pageDepth = pageDepth;
        this.memberPageDepth = memberPageDepth;
        this.seed = seed;
        this.out = out;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Every kind in turn, measured. */
    List<KindResult> measure(Target target) throws Exception {
        List<KindResult> results = new ArrayList<>();
        for (QueryKind kind : QueryKind.values()) {
            KindResult r = run(target, kind, readers, requests, kindTime, walkDepth(kind));
            results.add(r);
            out.printf(
                    "  %-9s %-40s %4d in %5.1f s (CPU %3.0f%%)  p50 %7.1f  p95 %7.1f  p99 %7.1f  max %7.1f ms%s%n",
                    target.sample().organizationId,
                    kind.title,
                    r.latency().count(),
                    r.seconds(),
                    r.machineBusyPercent(),
                    r.latency().p50(),
                    r.latency().p95(),
                    r.latency().p99(),
                    r.latency().max(),
                    r.errors() > 0 ? "  " + r.errors() + " errors (" + r.lastError() + ")" : "");
        }
        return results;
    }

    /**
     * Requests of every kind for every target in turn, not measured, round after round until {@code atLeast} has
     * passed (one round at least): the JITs' and the caches' first encounter. A round alone was too short on two
     * cores: the kind measured first (one message, in the largest organization) ran while the API's JIT was still
     * compiling, and missed its target where the same read of the smallest organization, measured a minute later,
     * met it.
     *
     * @return the rounds done
     */
    int warmUp(List<Target> targets, int each, Duration perKind, Duration atLeast) throws Exception {
        long deadline = System.nanoTime() + atLeast.toNanos();
        int rounds = 0;
        do {
            for (Target target : targets) {
                for (QueryKind kind : QueryKind.values()) {
                    run(target, kind, readers, each, perKind, Math.min(5, walkDepth(kind)));
                }
            }
            rounds++;
        } while (System.nanoTime() < deadline);
        return rounds;
    }

    /**
     * {@code times} requests of one kind, one after the other ({@code before} is called first): for the query plans,
     * where each request's statements must be told apart in the server's log.
     */
    KindResult sequential(Target target, QueryKind kind, int times, Consumer<QueryKind> before) throws Exception {
        before.accept(kind);
        return run(target, kind, 1, times, kindTime, Math.min(3, walkDepth(kind)));
    }

    private int walkDepth(QueryKind kind) {
        return kind == QueryKind.MEMBERS_NEXT_PAGES ? memberPageDepth : pageDepth;
    }

    private KindResult run(Target target, QueryKind kind, int threads, int budget, Duration time, int depth)
            throws Exception {
        AtomicInteger left = new AtomicInteger(budget);
        long[] ticks = ProcessSampler.machineTicks();
        long start = System.nanoTime();
        long deadline = start + time.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Tally>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(HistoryShape.mix(seed, kind.ordinal(), t));
                futures.add(pool.submit(() -> kind.walks()
                        ? walk(target, kind, random, left, deadline, depth)
                        : repeat(target, kind, random, left, deadline)));
            }
            Tally all = new Tally();
            for (Future<Tally> f : futures) {
                all.add(f.get());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] micros = Arrays.copyOf(all.micros, all.count);
            return new KindResult(
                    kind,
                    kind.request(target.sample()),
                    Percentiles.of(kind.title, micros),
                    all.errors,
                    all.lastError,
                    all.count == 0 ? 0 : (double) all.items / all.count,
                    seconds,
                    ProcessSampler.machineBusySince(ticks));
        } finally {
            pool.shutdownNow();
        }
    }

    private Tally repeat(Target target, QueryKind kind, SplittableRandom random, AtomicInteger left, long deadline) {
        Tally tally = new Tally();
        while (System.nanoTime() < deadline && left.getAndDecrement() > 0) {
            tally.record(get(kind.path(target.sample(), random), target.key()));
        }
        return tally;
    }

    private Tally walk(
            Target target, QueryKind kind, SplittableRandom random, AtomicInteger left, long deadline, int depth) {
        Tally tally = new Tally();
        String base = kind.walkStart();
        while (System.nanoTime() < deadline && left.get() > 0) {
            Answer first = get(base, target.key());
            String cursor = first.status() == 200 ? nextCursor(first.body()) : null;
            if (cursor == null) {
                tally.record(first);
                if (first.status() == 200) {
                    // A list of one page: nothing to walk.
                    return tally;
                }
                continue;
            }
            for (int page = 2; page <= depth && cursor != null; page++) {
                if (System.nanoTime() >= deadline || left.getAndDecrement() <= 0) {
                    return tally;
                }
                Answer next = get(base + "?cursor=" + QueryKind.encode(cursor), target.key());
                tally.record(next);
                cursor = next.status() == 200 ? nextCursor(next.body()) : null;
            }
        }
        return tally;
    }

    private Answer get(String path, String key) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl + path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + key)
                .header("Accept", "application/json")
                .GET()
                .build();
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.body(), (System.nanoTime() - start) / 1000);
        } catch (IOException e) {
            return new Answer(
                    -1, String.valueOf(e).getBytes(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted".getBytes(StandardCharsets.UTF_8), 0);
        }
    }

    private static String nextCursor(byte[] body) {
        JsonNode next = JSON.readTree(body).get("nextCursor");
        return next == null || next.isNull() ? null : next.asString();
    }

    /** One reader's latencies (microseconds), errors and items. */
    private static final class Tally {
        long[] micros = new long[256];
        int count;
        int errors;
        String lastError;
        long items;

        void record(Answer a) {
            if (a.status() != 200) {
                errors++;
                String body = new String(a.body(), StandardCharsets.UTF_8);
                lastError = (a.status() < 0 ? "" : "HTTP " + a.status() + " ")
                        + body.substring(0, Math.min(200, body.length()));
                return;
            }
            if (count == micros.length) {
                micros = Arrays.copyOf(micros, count * 2);
            }
            micros[count++] = a.micros();
            JsonNode list = JSON.readTree(a.body()).get("items");
            items += list == null ? 1 : list.size();
        }

        void add(Tally other) {
            for (int i = 0; i < other.count; i++) {
                if (count == micros.length) {
                    micros = Arrays.copyOf(micros, count * 2);
                }
                micros[count++] = other.micros[i];
            }
            errors += other.errors;
            if (other.lastError != null) {
                lastError = other.lastError;
            }
            items += other.items;
        }
    }
}
