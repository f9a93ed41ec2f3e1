package dev.mailroom.server.messaging;

import dev.mailroom.contracts.ActivityBatch;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.QueueMessage;
import dev.mailroom.contracts.SubmitMessage;
import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.MDC;
import org.springframework.amqp.core.Message;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * One trace per email, across the queues: W3C trace context ({@code traceparent}, {@code tracestate}) travels in
 * the AMQP headers of every message about an email, and each hop that handles the email makes a span in its trace.
 *
 * <p>Mailroom consumes and publishes in batches, where one batch holds many emails, each of its own trace; Spring
 * AMQP's observation knows one message per observation, so the context is carried here by hand with the
 * {@link Propagator}. A consumer opens a {@link Batch} and starts one CONSUMER span per email it handles, child of
 * the context the email's message carried: a span per message rather than one batch span with links, so that each
 * email's trace is one unbroken tree (the next hop's publish is the child of this email's span, not of a batch span
 * in some other trace). The spans are ended when the batch is, since the batch's commit and confirms are every one of
 * its emails' work. {@link ConfirmedPublisher} then gives each message it publishes a PRODUCER span, child of its
 * email's span in the batch on this thread (or of the span in scope, e.g. the REST call's), and injects that span's
 * context. A message about several emails (an {@link ActivityBatch}) also carries each email's context in
 * {@value #EMAILS_HEADER}, so that the operator continues every one of their traces.
 *
 * <p>While Mailroom handles one email ({@link Batch#handle}), the email's span is in scope (Micrometer Tracing puts
 * {@code traceId} and {@code spanId} in the logging MDC) and the MDC holds {@value #MDC_MESSAGE_ID}, {@value
 * #MDC_ORGANIZATION} and {@value #MDC_ROLE}: every log line about the email says which one, whose, and where.
 *
 * <p>Without a tracer (tracing disabled), every method still works and records nothing.
 */
@Component
public class MessageTracing {
    /**
     * For a message about several emails: a table of each email's {@code traceparent} by its id. A table of short
     * values rather than one long string: a header string longer than Spring AMQP's long-string limit (1 KiB) would
     * reach the consumer as a stream, not as text.
     */
    public static final String EMAILS_HEADER = "x-mailroom-traces";

    public static final String MDC_MESSAGE_ID = "messageId";
    public static final String MDC_ORGANIZATION = "organizationId";
    public static final String MDC_ROLE = "role";

    private static final String TRACEPARENT = "traceparent";
    private static final ThreadLocal<Batch> CURRENT = new ThreadLocal<>();

    private final Tracer tracer;
    private final Propagator propagator;

    @Autowired
    MessageTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this(tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    public MessageTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Tracing that records nothing: for code built outside Spring (tests, tools). */
    public static MessageTracing none() {
        return new MessageTracing(Tracer.NOOP, Propagator.NOOP);
    }

    /**
     * Opens the batch this thread handles, for the given role ({@code operator}, {@code dispatcher}); close it (try
     * with resources) once the batch is done: that ends the spans of its emails.
     */
    public Batch batch(String role) {
        Batch batch = new Batch(role, CURRENT.get());
        CURRENT.set(batch);
        return batch;
    }

    /** What one email's handling holds open: its span in scope, its MDC keys. */
    public interface Handling extends AutoCloseable {
        @Override
        void close();
    }

    private record Entry(Span span, UUID messageId, String organization) {}

    /** A report's span not started yet: it waits to know the email's trace ({@link Batch#reported}). */
    private record Pending(Map<String, String> carrier, UUID messageId, String name, String queue, long startMicros) {}

    /** The emails a consumer handles together, each with its span; confined to the thread that opened it, except {@link #handle}. */
    public final class Batch implements AutoCloseable {
        private final String role;
        private final Batch outer;
        private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
        private final Map<UUID, Pending> pending = new ConcurrentHashMap<>();

        private Batch(String role, Batch outer) {
            this.role = role;
            this.outer = outer;
        }

        /**
         * Starts the span of one email handled from {@code message} (once per key: a duplicate in the batch is the
         * same handling), child of the context the message carries for that email.
         *
         * @param key what the batch knows the handling by: the email's id, or an activity report's id where one queue
         *     message holds several reports
         * @param messageId the email's id (null when not known yet, as for a provider event known by the provider's id)
         */
        public void consumed(Message message, UUID key, UUID messageId, String organization, String name) {
            if (key == null) {
                return;
            }
            entries.computeIfAbsent(
                    key,
                    k -> start(
                            propagator.extract(carrierFor(message, messageId), Map::get),
                            name,
                            String.valueOf(message.getMessageProperties().getConsumerQueue()),
                            messageId,
                            organization,
                            null));
        }

        /**
         * Like {@link #consumed}, for an activity report, whose span starts (back-dated to now) once the email's trace
         * is known ({@link #ofEmail}): a provider's webhook reports in a trace of its own, and the span of the report
         * belongs in the email's. Until then, or if the email's trace is never told, it is the reporter's (as
         * {@link #consumed}'s), started when first used or when the batch closes.
         */
        public void reported(Message message, UUID key, UUID messageId, String name) {
            if (key == null || entries.containsKey(key)) {
                return;
            }
            pending.putIfAbsent(
                    key,
                    new Pending(
                            carrierFor(message, messageId),
                            messageId,
                            name,
                            String.valueOf(message.getMessageProperties().getConsumerQueue()),
                            nowMicros()));
        }

        /**
         * Continues an email's trace from a {@code traceparent} Mailroom stored (a scheduled send or a retry released
         * later): the span is a child of the one that recorded the email.
         */
        public void resumed(UUID messageId, String organization, String traceParent, String name) {
            if (messageId == null) {
                return;
            }
            entries.computeIfAbsent(messageId, k -> {
                Map<String, String> carrier = new HashMap<>();
                if (traceParent != null) {
                    carrier.put(TRACEPARENT, traceParent);
                }
                Span span = propagator
                        .extract(carrier, Map::get)
                        .name(name)
                        .tag("mailroom.message_id", messageId.toString())
                        .start();
                return new Entry(span, messageId, organization);
            });
        }

        /**
         * Puts the handling's span in scope and its MDC keys in place, on the calling thread (a sender thread too),
         * until closed. For a key the batch does not know, only the MDC keys it can tell.
         */
        public Handling handle(UUID key) {
            Entry entry = entryOf(key);
            Tracer.SpanInScope scope = entry == null ? null : tracer.withSpan(entry.span());
            UUID messageId = entry == null ? key : entry.messageId();
            putOrRemove(MDC_MESSAGE_ID, messageId == null ? null : messageId.toString());
            putOrRemove(MDC_ORGANIZATION, entry == null ? null : entry.organization());
            MDC.put(MDC_ROLE, role);
            return () -> {
                MDC.remove(MDC_MESSAGE_ID);
                MDC.remove(MDC_ORGANIZATION);
                MDC.remove(MDC_ROLE);
                if (scope != null) {
                    scope.close();
                }
            };
        }

        /** Runs {@code work} as {@link #handle} of {@code key}. */
        public void handling(UUID key, Runnable work) {
            try (Handling ignored = handle(key)) {
                work.run();
            }
        }

        /** The handling's span context as a {@code traceparent}, or null. */
        public String traceParentOf(UUID key) {
            Entry entry = entryOf(key);
            return entry == null || entry.span().context().traceId().isEmpty()
                    ? null
                    : traceParent(entry.span().context());
        }

        /**
         * Starts the span of a {@link #reported} report in its email's trace, told by the {@code traceparent} stored
         * with the email ({@code messageId}): the child of that span. Where the report came in another trace (a provider's webhook starts
         * one of its own), the span links to the reporter's, so that either trace leads to the other: one span per
         * report, whichever way it came.
         */
        public void ofEmail(UUID key, UUID messageId, String emailTraceParent) {
            Pending p = key == null ? null : pending.remove(key);
            if (p == null) {
                return;
            }
            if (p.messageId() == null && messageId != null) {
                // A provider's event names the email by the provider's id; the operator has matched it since.
                p = new Pending(p.carrier(), messageId, p.name(), p.queue(), p.startMicros());
            }
            TraceContext email = contextOf(emailTraceParent);
            TraceContext reporter = contextOf(p.carrier().get(TRACEPARENT));
            if (email == null || (reporter != null && reporter.traceId().equals(email.traceId()))) {
                entries.putIfAbsent(key, start(p, propagator.extract(p.carrier(), Map::get)));
                return;
            }
            Span.Builder builder = tracer.spanBuilder().setParent(email);
            if (reporter != null) {
                builder.addLink(new Link(reporter));
            }
            entries.putIfAbsent(key, start(p, builder));
        }

        private Entry start(Pending p, Span.Builder builder) {
            return start(builder, p.name(), p.queue(), p.messageId(), null, p.startMicros());
        }

        /** The CONSUMER span of one email's handling from a queue; started now, or back-dated to {@code startMicros}. */
        private Entry start(
                Span.Builder builder,
                String name,
                String queue,
                UUID messageId,
                String organization,
                Long startMicros) {
            builder.name(name)
                    .kind(Span.Kind.CONSUMER)
                    .tag("messaging.system", "rabbitmq")
                    .tag("messaging.destination.name", queue);
            if (startMicros != null) {
                builder.startTimestamp(startMicros, TimeUnit.MICROSECONDS);
            }
            if (messageId != null) {
                builder.tag("mailroom.message_id", messageId.toString());
            }
            return new Entry(builder.start(), messageId, organization);
        }

        /** The handling's entry; a {@link #reported} one still waiting for its email's trace starts as it came. */
        private Entry entryOf(UUID key) {
            if (key == null) {
                return null;
            }
            Pending p = pending.remove(key);
            if (p != null) {
                entries.putIfAbsent(key, start(p, propagator.extract(p.carrier(), Map::get)));
            }
            return entries.get(key);
        }

        private Span spanOf(UUID key) {
            Entry entry = entryOf(key);
            return entry == null ? null : entry.span();
        }

        /** Ends the spans of the batch's emails. */
        @Override
        public void close() {
            List.copyOf(pending.keySet()).forEach(this::entryOf);
            entries.values().forEach(e -> e.span().end());
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /**
     * A span for a call made while handling an email (a provider's API), child of the span in scope and in scope
     * itself until closed: the HTTP client's own span, and the {@code traceparent} it sends, are its children.
     */
    public Handling call(String name, String provider) {
        Span span = tracer.nextSpan()
                .name(name)
                .tag("mailroom.provider", String.valueOf(provider))
                .start();
        Tracer.SpanInScope scope = tracer.withSpan(span);
        return () -> {
            scope.close();
            span.end();
        };
    }

    /**
     * The MDC keys of one email's handling where no batch holds it (a decision asked for by the API), until closed.
     */
    public static Handling logging(String role, UUID messageId, String organization) {
        putOrRemove(MDC_MESSAGE_ID, messageId == null ? null : messageId.toString());
        putOrRemove(MDC_ORGANIZATION, organization);
        MDC.put(MDC_ROLE, role);
        return () -> {
            MDC.remove(MDC_MESSAGE_ID);
            MDC.remove(MDC_ORGANIZATION);
            MDC.remove(MDC_ROLE);
        };
    }

    /** The batch this thread is handling, or null. */
    public static Batch currentBatch() {
        return CURRENT.get();
    }

    /** The trace id stored with what Mailroom records of an email, from its {@code traceparent}. */
    public static String traceIdOf(String traceParent) {
        return traceParent == null || !TRACEPARENT_FORMAT.matcher(traceParent).matches()
                ? null
                : traceParent.substring(3, 35);
    }

    /** The trace id of the span in scope, or null. */
    public String currentTraceId() {
        Span span = tracer.currentSpan();
        return span == null ? null : span.context().traceId();
    }

    /**
     * Gives a message about these emails its trace context: PRODUCER spans (one per email of this thread's batch, or
     * one child of the span in scope) and their context in {@code headers}.
     *
     * @return the spans to end once the broker confirmed the message
     */
    List<Span> inject(String queue, List<UUID> emails, Map<String, Object> headers) {
        Batch batch = CURRENT.get();
        List<Span> spans = new ArrayList<>(1);
        Map<String, Object> perEmail = emails.size() > 1 ? new LinkedHashMap<>() : Map.of();
        for (UUID email : emails) {
            Span parent = batch == null ? null : batch.spanOf(email);
            if (parent == null) {
                continue;
            }
            Span span = producer(queue, parent.context(), email);
            if (spans.isEmpty()) {
                propagator.inject(span.context(), headers, Map::put);
            }
            spans.add(span);
            if (emails.size() > 1) {
                perEmail.put(email.toString(), traceParent(span.context()));
            }
        }
        if (spans.isEmpty()) {
            Span current = tracer.currentSpan();
            if (current != null) {
                Span span = producer(queue, current.context(), emails.size() == 1 ? emails.get(0) : null);
                propagator.inject(span.context(), headers, Map::put);
                spans.add(span);
            }
        } else if (!perEmail.isEmpty()) {
            headers.put(EMAILS_HEADER, perEmail);
        }
        return spans;
    }

    private Span producer(String queue, TraceContext parent, UUID email) {
        Span.Builder builder = tracer.spanBuilder()
                .setParent(parent)
                .name(queue + " publish")
                .kind(Span.Kind.PRODUCER)
                .tag("messaging.system", "rabbitmq")
                .tag("messaging.destination.name", queue);
        if (email != null) {
            builder.tag("mailroom.message_id", email.toString());
        }
        return builder.start();
    }

    /** The emails a queue message is about, for its trace context. */
    static List<UUID> emailsOf(QueueMessage message) {
        if (message instanceof SubmitMessage s) {
            return s.id() == null ? List.of() : List.of(s.id());
        }
        if (message instanceof DispatchCommand c) {
            return c.messageId() == null ? List.of() : List.of(c.messageId());
        }
        if (message instanceof CancelMessage c) {
            return c.messageId() == null ? List.of() : List.of(c.messageId());
        }
        if (message instanceof ActivityReport r) {
            return r.messageId() == null ? List.of() : List.of(r.messageId());
        }
        if (message instanceof ActivityBatch b) {
            Set<UUID> ids = new LinkedHashSet<>();
            b.activities().forEach(r -> {
                if (r.messageId() != null) {
                    ids.add(r.messageId());
                }
            });
            return List.copyOf(ids);
        }
        return List.of();
    }

    /** The headers to extract an email's context from: its own entry of {@value #EMAILS_HEADER}, else the message's. */
    private Map<String, String> carrierFor(Message message, UUID messageId) {
        Map<String, String> carrier = new HashMap<>();
        Map<String, Object> headers = message.getMessageProperties().getHeaders();
        if (messageId != null && headers.get(EMAILS_HEADER) instanceof Map<?, ?> perEmail) {
            // Its values arrive as text, or as the client's LongString, whose toString is the text.
            Object own = perEmail.get(messageId.toString());
            if (own != null) {
                carrier.put(TRACEPARENT, String.valueOf(own));
                return carrier;
            }
        }
        for (String field : propagator.fields()) {
            Object value = headers.get(field);
            if (value != null) {
                carrier.put(field, String.valueOf(value));
            }
        }
        return carrier;
    }

    private static String traceParent(TraceContext context) {
        return "00-" + context.traceId() + "-" + context.spanId() + "-"
                + (Boolean.FALSE.equals(context.sampled()) ? "00" : "01");
    }

    /** A W3C {@code traceparent} of version 00, as Mailroom writes and reads it. */
    private static final java.util.regex.Pattern TRACEPARENT_FORMAT =
            java.util.regex.Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    /** The context a {@code traceparent} names, or null for anything else (a header is whatever its sender wrote). */
    private TraceContext contextOf(String traceParent) {
        if (traceParent == null || !TRACEPARENT_FORMAT.matcher(traceParent).matches()) {
            return null;
        }
        return tracer.traceContextBuilder()
                .traceId(traceParent.substring(3, 35))
                .spanId(traceParent.substring(36, 52))
                .sampled(traceParent.endsWith("01"))
                .build();
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static void putOrRemove(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
