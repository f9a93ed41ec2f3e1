import java.net.URI;
import java.net.http.*;
import java.io.ByteArrayInputStream;
import java.util.concurrent.*;
import java.util.*;

public class SendLatency {
    public static void main(String[] a) throws Exception {
        String url = a[0];
        boolean chunked = a[1].equals("chunked");
        int n = Integer.parseInt(a[2]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        byte[] body = ("{\"personalizations\":[{\"to\":[{\"email\":\"a@b.c\"}]}],\"custom_args\":{\"mailroom_id\":\"x\"},\"content\":[{\"type\":\"text/plain\",\"value\":\"" + "x".repeat(1000) + "\"}]}").getBytes();
        for (int round = 0; round < 3; round++) {
            List<Future<Long>> fs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(() -> {
                    long s = System.nanoTime();
                    HttpRequest.BodyPublisher p = chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)) : HttpRequest.BodyPublishers.ofByteArray(body);
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type","application/json").POST(p).build(), HttpResponse.BodyHandlers.discarding());
                    return System.nanoTime() - s;
                }));
            }
            long[] lat = new long[n]; for (int i = 0; i < n; i++) lat[i] = fs.get(i).get();
            double secs = (System.nanoTime() - t0) / 1e9;
            Arrays.sort(lat);
            System.out.printf("%s: %d sends in %.2f s = %.0f/s; p50 %.1f ms p99 %.1f ms%n", chunked ? "chunked" : "fixed", n, secs, n / secs, lat[n/2]/1e6, lat[n*99/100]/1e6);
        }
        pool.shutdown();
    }
}
