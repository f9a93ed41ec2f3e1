package dev.mailroom.server.notifier;

import dev.mailroom.server.NotifierProperties;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * POSTs webhook bodies: Apache HttpClient 5, asynchronous (thousands of attempts under way cost no thread each), no
 * redirects followed, no retries of its own, no cookies, names resolved through {@link DeliveryTargets#resolver()}. An
 * attempt ends within the attempt timeout whatever the endpoint does (a hard deadline cancels it), and at most the
 * first {@value #MAX_EXCERPT} bytes of an answer are kept.
 */
final class WebhookClient implements AutoCloseable {
    static final int MAX_EXCERPT = 1024;
    static final int MAX_ERROR = 512;

    /** How an attempt ended: a status when an answer came, else the error. */
    record Answer(Integer status, int latencyMillis, String excerpt, String error) {
        boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }

        static Answer error(int latencyMillis, String error) {
            return new Answer(
                    null, latencyMillis, null, cut(error == null ? null : error.replace("\u0000", ""), MAX_ERROR));
        }

        /** What went wrong, in a few words, for logs and the disabling reason. */
        String problem() {
            return status != null ? "HTTP " + status : error;
        }
    }

    private final CloseableHttpAsyncClient client;
    private final DeliveryTargets targets;
    private final Duration attemptTimeout;
    private final ScheduledExecutorService deadlines;

    WebhookClient(DeliveryTargets targets, NotifierProperties properties) {
        this.targets = targets;
        this.attemptTimeout = properties.attemptTimeout();
        Timeout attempt = Timeout.of(attemptTimeout);
        this.client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setDnsResolver(targets.resolver())
                        .setMaxConnPerRoute(properties.maxInFlightPerEndpoint())
                        .setMaxConnTotal(Math.max(200, properties.maxInFlightPerEndpoint() * 50))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(properties.connectTimeout()))
                                .setSocketTimeout(attempt)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(false)
                        .setConnectionRequestTimeout(attempt)
                        .setResponseTimeout(attempt)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("Mailroom")
                .build();
        this.client.start();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "notifier-deadlines");
            t.setDaemon(true);
            return t;
        });
    }

    /** POSTs {@code body} to {@code url}; the future always completes (with an error answer rather than exceptionally). */
    CompletableFuture<Answer> post(String url, Map<String, String> headers, byte[] body) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        long start = System.nanoTime();
        Optional<String> refused = targets.check(url);
        if (refused.isPresent()) {
            answer.complete(Answer.error(0, "not called: " + refused.get()));
            return answer;
        }
        SimpleHttpRequest request;
        try {
            SimpleRequestBuilder builder = SimpleRequestBuilder.post(url).setBody(body, ContentType.APPLICATION_JSON);
            headers.forEach(builder::addHeader);
            request = builder.build();
        } catch (RuntimeException e) {
            answer.complete(Answer.error(0, "not called: " + e.getMessage()));
            return answer;
        }
        Future<Answer> call = client.execute(
                SimpleRequestProducer.create(request), new ExcerptConsumer(start), null, new FutureCallback<>() {
                    @Override
                    public void completed(Answer result) {
                        answer.complete(result);
                    }

                    @Override
                    public void failed(Exception e) {
                        answer.complete(Answer.error(millisSince(start), describe(e)));
                    }

                    @Override
                    public void cancelled() {
                        answer.complete(Answer.error(
                                millisSince(start), "timed out after " + attemptTimeout.toMillis() + " ms"));
                    }
                });
        // The socket timeout bounds silence, not the whole answer: an endpoint dripping bytes is cut here.
        deadlines.schedule(() -> call.cancel(true), attemptTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return answer;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (e instanceof java.net.UnknownHostException && message != null && message.startsWith("webhook host")) {
            return "not called: " + message;
        }
        if (e instanceof java.net.SocketTimeoutException
                || e instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException) {
            return "timed out: " + message;
        }
        return message == null ? kind : kind + ": " + message;
    }

    private static int millisSince(long start) {
        return (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max - 1) + "…";
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        client.close(CloseMode.GRACEFUL);
    }

    /** Keeps the status and the first bytes of the answer; the rest is read and dropped. */
    private static final class ExcerptConsumer extends AbstractBinResponseConsumer<Answer> {
        private final long start;
        private final ByteBuffer excerpt = ByteBuffer.allocate(MAX_EXCERPT);
        private int status;

        ExcerptConsumer(long start) {
            this.start = start;
        }

        @Override
        protected void start(HttpResponse response, ContentType contentType) throws HttpException, IOException {
            status = response.getCode();
        }

        @Override
        protected int capacityIncrement() {
            return 64 * 1024;
        }

        @Override
        protected void data(ByteBuffer src, boolean endOfStream) {
            int n = Math.min(src.remaining(), excerpt.remaining());
            if (n > 0) {
                ByteBuffer slice = src.duplicate();
                slice.limit(slice.position() + n);
                excerpt.put(slice);
            }
            src.position(src.limit());
        }

        @Override
        protected Answer buildResult() {
            // PostgreSQL keeps no NUL in text.
            String text =
                    new String(excerpt.array(), 0, excerpt.position(), StandardCharsets.UTF_8).replace("\u0000", "");
            return new Answer(status, millisSince(start), text.isEmpty() ? null : cut(text, MAX_EXCERPT), null);
        }

        @Override
        public void releaseResources() {}
    }
}
