package dev.mailroom.bench.load;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * {@code --otlp}: a local OTLP/HTTP trace receiver that counts what every Mailroom process exports to it, so that the
 * benchmark measures Mailroom with tracing export on (the cost of building, batching and sending its spans) without a
 * collector installed. It reads only enough of each protobuf {@code ExportTraceServiceRequest} to count its spans.
 */
final class OtlpCounter implements AutoCloseable {
    private final HttpServer server;
    private final AtomicLong spans = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    OtlpCounter() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "otlp-counter");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                bytes.addAndGet(body.length);
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
                }
                spans.addAndGet(countSpans(body));
                requests.incrementAndGet();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** What to give every Mailroom process: the property that turns its OTLP trace export on, pointing here. */
    String serverArg() {
        return "--management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:"
                + server.getAddress().getPort() + "/v1/traces";
    }

    String summary() {
        return String.format(
                "OTLP receiver (--otlp): %,d spans in %,d export requests (%,d bytes)",
                spans.get(), requests.get(), bytes.get());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** ExportTraceServiceRequest.resource_spans(1) → ResourceSpans.scope_spans(2) → ScopeSpans.spans(2). */
    static long countSpans(byte[] request) {
        long count = 0;
        for (byte[] resourceSpans : fields(request, 1)) {
            for (byte[] scopeSpans : fields(resourceSpans, 2)) {
                count += fields(scopeSpans, 2).size();
            }
        }
        return count;
    }

    /** The length-delimited fields numbered {@code number} of a protobuf message; the rest skipped. */
    private static java.util.List<byte[]> fields(byte[] bytes, int number) {
        java.util.List<byte[]> found = new java.util.ArrayList<>();
        int[] at = {0};
        while (at[0] < bytes.length) {
            long tag = varint(bytes, at);
            int wireType = (int) (tag & 7);
            switch (wireType) {
                case 0 -> varint(bytes, at);
                case 1 -> at[0] += 8;
                case 2 -> {
                    int length = (int) varint(bytes, at);
                    if ((tag >>> 3) == number) {
                        found.add(java.util.Arrays.copyOfRange(bytes, at[0], at[0] + length));
                    }
                    at[0] += length;
                }
                case 5 -> at[0] += 4;
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
            }
        }
        return found;
    }

    private static long varint(byte[] bytes, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = bytes[at[0]++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }
}
