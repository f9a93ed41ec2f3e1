package dev.mailroom.client;

import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The caller's W3C trace context, asked for each time the client submits: the client puts it on what it sends
 * ({@code traceparent} on the HTTP request, an AMQP header on the published message) so that Mailroom's trace of
 * the email continues the caller's. A supplier rather than a tracing library keeps the client free of one: with
 * OpenTelemetry, for one, {@code () -> { var c = Span.current().getSpanContext(); return c.isValid() ? "00-" +
 * c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex() : null; }}.
 */
final class TraceParent {
    static final String HEADER = "traceparent";

    /** version "-" trace-id "-" parent-id "-" trace-flags, lower-case hex (W3C Trace Context, level 1). */
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private TraceParent() {}

    /** The supplier's value if it is a well-formed {@code traceparent}, else null (nothing is sent). */
    static String of(Supplier<String> supplier) {
        if (supplier == null) {
            return null;
        }
        String value = supplier.get();
        return value != null && FORMAT.matcher(value).matches() ? value : null;
    }
}
