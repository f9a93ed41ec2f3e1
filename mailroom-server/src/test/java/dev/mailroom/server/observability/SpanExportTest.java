package dev.mailroom.server.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.EndToEndTest;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanExporters;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;

/**
 * The zero-configuration run exports no spans, so it queues none for export: spans are made (their trace ids go to
 * the activities and the logs) and dropped when they end. With an exporter, {@code TracingEndToEndTest} receives them.
 */
@EndToEndTest
class SpanExportTest {
    @Autowired
    SpanExporters exporters;

    @Autowired
    SpanProcessors processors;

    @Test
    void withNoExporterConfiguredNoSpanIsQueuedForExport() {
        assertThat(exporters.list()).isEmpty();
        assertThat(processors.list()).noneMatch(BatchSpanProcessor.class::isInstance);
    }
}
