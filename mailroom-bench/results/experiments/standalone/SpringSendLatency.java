import java.net.http.HttpClient;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.http.MediaType;

public class SpringSendLatency {
    public static void main(String[] a) throws Exception {
        String url = a[0];
        int n = Integer.parseInt(a[1]);
        boolean readTimeout = a.length > 2 && a[2].equals("timeout");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        JdkClientHttpRequestFactory factory = System.getProperty("pooled") != null ? new JdkClientHttpRequestFactory(http, Executors.newCachedThreadPool()) : new JdkClientHttpRequestFactory(http);
        if (readTimeout) factory.setReadTimeout(Duration.ofSeconds(30));
        RestClient rest = RestClient.builder().requestFactory(factory).build();
        Map<String, Object> body = Map.of("personalizations", List.of(Map.of("to", List.of(Map.of("email", "a@b.c")))),
                "custom_args", Map.of("mailroom_id", "x"), "content", List.of(Map.of("type", "text/plain", "value", "x".repeat(1000))));
        ExecutorService pool = Executors.newFixedThreadPool(32);
        for (int round = 0; round < 3; round++) {
            List<Future<Long>> fs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(() -> {
                    long s = System.nanoTime();
                    rest.post().uri(url).contentType(MediaType.APPLICATION_JSON).body(body).retrieve().toBodilessEntity();
                    return System.nanoTime() - s;
                }));
            }
            long[] lat = new long[n]; for (int i = 0; i < n; i++) lat[i] = fs.get(i).get();
            double secs = (System.nanoTime() - t0) / 1e9;
            Arrays.sort(lat);
            System.out.printf("spring%s: %d sends in %.2f s = %.0f/s; p50 %.1f ms p99 %.1f ms; threads started so far %d%n", readTimeout ? "+readTimeout" : "", n, secs, n / secs, lat[n/2]/1e6, lat[n*99/100]/1e6,
                java.lang.management.ManagementFactory.getThreadMXBean().getTotalStartedThreadCount());
        }
        pool.shutdown();
    }
}
