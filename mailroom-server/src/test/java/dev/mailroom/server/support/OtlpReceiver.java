package dev.mailroom.server.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A tiny OTLP/HTTP trace receiver on a random loopback port: what a collector would get from Mailroom's real
 * exporter. It reads the protobuf {@code ExportTraceServiceRequest}s (opentelemetry-proto's trace.proto, only the
 * fields the tests look at) with a hand-written wire-format reader, so that no proto classes are needed.
 */
public final class OtlpReceiver implements AutoCloseable {
    /** One span as received: ids in lower-case hex, as W3C and the activities' traceId write them. */
    public record ReceivedSpan(
            String traceId,
            String spanId,
            String parentSpanId,
            String name,
            int kind,
            Map<String, String> attributes,
            List<String> linkedTraceIds) {}

    /** OTLP's SpanKind numbers. */
    public static final int SERVER = 2;

    public static final int CLIENT = 3;
    public static final int PRODUCER = 4;
    public static final int CONSUMER = 5;

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

    public OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
                if ("gzip".equalsIgnoreCase(encoding)) {
                    body = new GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
                }
                readRequest(body);
                // An empty ExportTraceServiceResponse: everything accepted.
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

    /** The base URL of the traces endpoint, e.g. {@code http://127.0.0.1:4711/v1/traces}. */
    public String tracesUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    public List<ReceivedSpan> spansOf(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    private void readRequest(byte[] bytes) {
        for (Field f : fields(bytes)) {
            if (f.number == 1) {
                readResourceSpans(f.bytes);
            }
        }
    }

    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    private void readResourceSpans(byte[] bytes) {
        for (Field f : fields(bytes)) {
            if (f.number == 2) {
                // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
                for (Field s : fields(f.bytes)) {
                    if (s.number == 2) {
                        spans.add(readSpan(s.bytes));
                    }
                }
            }
        }
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5;
    //        SpanKind kind = 6; ... repeated KeyValue attributes = 9; ... repeated Link links = 13; ... }
    private static ReceivedSpan readSpan(byte[] bytes) {
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        int kind = 0;
        Map<String, String> attributes = new HashMap<>();
        List<String> links = new ArrayList<>();
        for (Field f : fields(bytes)) {
            switch (f.number) {
                case 1 -> traceId = HexFormat.of().formatHex(f.bytes);
                case 2 -> spanId = HexFormat.of().formatHex(f.bytes);
                case 4 -> parent = HexFormat.of().formatHex(f.bytes);
                case 5 -> name = new String(f.bytes, StandardCharsets.UTF_8);
                case 6 -> kind = (int) f.varint;
                case 9 -> readAttribute(f.bytes, attributes);
                case 13 -> {
                    // Link { bytes trace_id = 1; bytes span_id = 2; ... }
                    for (Field l : fields(f.bytes)) {
                        if (l.number == 1) {
                            links.add(HexFormat.of().formatHex(l.bytes));
                        }
                    }
                }
                default -> {}
            }
        }
        return new ReceivedSpan(traceId, spanId, parent, name, kind, attributes, links);
    }

    // KeyValue { string key = 1; AnyValue value = 2; }  AnyValue { string string_value = 1; ... }
    private static void readAttribute(byte[] bytes, Map<String, String> into) {
        String key = null;
        String value = null;
        for (Field f : fields(bytes)) {
            if (f.number == 1) {
                key = new String(f.bytes, StandardCharsets.UTF_8);
            } else if (f.number == 2) {
                for (Field v : fields(f.bytes)) {
                    if (v.number == 1 && v.bytes != null) {
                        value = new String(v.bytes, StandardCharsets.UTF_8);
                    }
                }
            }
        }
        if (key != null && value != null) {
            into.put(key, value);
        }
    }

    /** One field of a protobuf message: its number and either its varint or its length-delimited bytes. */
    private record Field(int number, long varint, byte[] bytes) {}

    private static List<Field> fields(byte[] bytes) {
        List<Field> fields = new ArrayList<>();
        int[] at = {0};
        while (at[0] < bytes.length) {
            long tag = varint(bytes, at);
            int number = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            switch (wireType) {
                case 0 -> fields.add(new Field(number, varint(bytes, at), null));
                case 1 -> at[0] += 8;
                case 2 -> {
                    int length = (int) varint(bytes, at);
                    byte[] value = java.util.Arrays.copyOfRange(bytes, at[0], at[0] + length);
                    at[0] += length;
                    fields.add(new Field(number, 0, value));
                }
                case 5 -> at[0] += 4;
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
            }
        }
        return fields;
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

    /** For debugging a failed assertion: the spans of a trace, one per line. */
    public static String describe(List<ReceivedSpan> spans) {
        StringBuilder text = new StringBuilder();
        spans.forEach(s -> text.append(s.name())
                .append(" kind=")
                .append(s.kind())
                .append(" trace=")
                .append(s.traceId())
                .append(" span=")
                .append(s.spanId())
                .append(" parent=")
                .append(s.parentSpanId())
                .append(" links=")
                .append(s.linkedTraceIds())
                .append('\n'));
        return text.toString();
    }
}
