package dev.mailroom.server.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * The span of an activity report, on a real OpenTelemetry tracer: it starts in the email's trace once the operator's
 * lock told it, linked to the trace it was reported in (a provider's webhook); a header a sender forged is not a
 * context.
 */
class MessageTracingTest {
    private static final String EMAIL_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String EMAIL_SPAN = "00f067aa0ba902b7";
    private static final String EMAIL = "00-" + EMAIL_TRACE + "-" + EMAIL_SPAN + "-01";
    private static final UUID MESSAGE = UUID.randomUUID();
    private static final String WEBHOOK_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String WEBHOOK = "00-" + WEBHOOK_TRACE + "-b7ad6b7169203331-01";

    private final List<SpanData> finished = new CopyOnWriteArrayList<>();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                @Override
                public CompletableResultCode export(Collection<SpanData> spans) {
                    finished.addAll(spans);
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode flush() {
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode shutdown() {
                    return CompletableResultCode.ofSuccess();
                }
            }))
            .build();
    private final io.opentelemetry.api.trace.Tracer otel = provider.get("test");
    private final MessageTracing tracing = new MessageTracing(
            new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {}),
            new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel));

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void aWebhooksReportIsASpanOfTheEmailsTraceLinkedToTheWebhooksTrace() {
        UUID report = UUID.randomUUID();
        try (MessageTracing.Batch batch = tracing.batch("operator")) {
            batch.reported(received(WEBHOOK), report, null, "mailroom.tracking process");
            batch.ofEmail(report, MESSAGE, EMAIL);
        }

        assertThat(finished).singleElement().satisfies(span -> {
            assertThat(span.getTraceId()).isEqualTo(EMAIL_TRACE);
            assertThat(span.getParentSpanId()).isEqualTo(EMAIL_SPAN);
            assertThat(span.getAttributes().asMap().toString()).contains(MESSAGE.toString());
            assertThat(span.getLinks())
                    .singleElement()
                    .satisfies(link ->
                            assertThat(link.getSpanContext().getTraceId()).isEqualTo(WEBHOOK_TRACE));
        });
    }

    @Test
    void aReportInTheEmailsOwnTraceContinuesItWithoutALink() {
        UUID report = UUID.randomUUID();
        String dispatcher = "00-" + EMAIL_TRACE + "-a3ce929d0e0e4736-01";
        try (MessageTracing.Batch batch = tracing.batch("operator")) {
            batch.reported(received(dispatcher), report, null, "mailroom.tracking process");
            batch.ofEmail(report, MESSAGE, EMAIL);
        }

        assertThat(finished).singleElement().satisfies(span -> {
            assertThat(span.getTraceId()).isEqualTo(EMAIL_TRACE);
            assertThat(span.getParentSpanId()).isEqualTo("a3ce929d0e0e4736");
            assertThat(span.getLinks()).isEmpty();
        });
    }

    @Test
    void aReportWhoseEmailIsNeverToldEndsInTheTraceItCameIn() {
        try (MessageTracing.Batch batch = tracing.batch("operator")) {
            batch.reported(received(WEBHOOK), UUID.randomUUID(), null, "mailroom.tracking process");
        }

        assertThat(finished)
                .singleElement()
                .satisfies(span -> assertThat(span.getTraceId()).isEqualTo(WEBHOOK_TRACE));
    }

    @Test
    void aForgedTraceparentIsNeitherLinkedNorStored() {
        String forged = "00-" + "zz".repeat(16) + "-" + "0".repeat(16) + "-01<script>";
        UUID report = UUID.randomUUID();
        try (MessageTracing.Batch batch = tracing.batch("operator")) {
            batch.reported(received(forged), report, null, "mailroom.tracking process");
            batch.ofEmail(report, MESSAGE, EMAIL);
        }

        assertThat(finished).singleElement().satisfies(span -> {
            assertThat(span.getTraceId()).isEqualTo(EMAIL_TRACE);
            assertThat(span.getLinks()).isEmpty();
        });
        assertThat(MessageTracing.traceIdOf(forged)).isNull();
        assertThat(MessageTracing.traceIdOf("00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-0"))
                .isNull();
        assertThat(MessageTracing.traceIdOf(EMAIL)).isEqualTo(EMAIL_TRACE);
    }

    private static Message received(String traceParent) {
        MessageProperties properties = new MessageProperties();
        properties.setConsumerQueue("mailroom.tracking");
        properties.setHeader("traceparent", traceParent);
        return new Message(new byte[0], properties);
    }
}
