package dev.mailroom.server;

import io.micrometer.tracing.exporter.SpanExportingPredicate;
import io.micrometer.tracing.exporter.SpanFilter;
import io.micrometer.tracing.exporter.SpanReporter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessorBuilder;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingProperties;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanExporters;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spans go to the configured exporters (OTLP) as Spring Boot sends them, in batches off the hot path with Boot's
 * {@code management.opentelemetry.tracing.export.*} settings, but without Micrometer's {@code CompositeSpanExporter}
 * in between. That one copies every finished span into a mutable wrapper, for {@link SpanFilter}, {@link
 * SpanExportingPredicate} and {@link SpanReporter} beans, and the wrapper rebuilds the span's attributes each time the
 * OTLP marshaler reads them. Mailroom defines none of those beans; profiled at 1,000 emails/s with export on, the
 * wrapper and the marshaling it slowed took about a fifth of the operator's and of the dispatcher's CPU. Where an
 * application adds such a bean, this steps aside and Boot's processor (with the wrapper) is used.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({BatchSpanProcessor.class, SpanExporters.class})
class SpanExport {
    @Bean
    @ConditionalOnMissingBean({
        BatchSpanProcessor.class,
        SpanExportingPredicate.class,
        SpanReporter.class,
        SpanFilter.class
    })
    BatchSpanProcessor directSpanProcessor(
            SpanExporters exporters,
            OpenTelemetryTracingProperties properties,
            ObjectProvider<MeterProvider> meterProvider) {
        OpenTelemetryTracingProperties.Export export = properties.getExport();
        BatchSpanProcessorBuilder builder = BatchSpanProcessor.builder(SpanExporter.composite(exporters.list()))
                .setExportUnsampledSpans(export.isIncludeUnsampled())
                .setExporterTimeout(export.getTimeout())
                .setMaxExportBatchSize(export.getMaxBatchSize())
                .setMaxQueueSize(export.getMaxQueueSize())
                .setScheduleDelay(export.getScheduleDelay());
        meterProvider.ifAvailable(builder::setMeterProvider);
        return builder.build();
    }

    /**
     * The span processors: with no exporter configured (the zero-configuration run), none of the batch processors,
     * so that finished spans are dropped at once rather than queued for an export that does nothing. Spans are still
     * made: their trace ids go to the activities and the log lines.
     */
    @Bean
    SpanProcessors spanProcessors(SpanExporters exporters, ObjectProvider<SpanProcessor> processors) {
        boolean exporting = !exporters.list().isEmpty();
        return SpanProcessors.of(processors
                .orderedStream()
                .filter(p -> exporting || !(p instanceof BatchSpanProcessor))
                .toList());
    }
}
