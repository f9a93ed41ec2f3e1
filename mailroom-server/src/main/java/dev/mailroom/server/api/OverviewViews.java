package dev.mailroom.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mailroom.contracts.MessageStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the API answers about an organization's figures ({@code GET /api/v1/overview}). Every email counts once, under
 * its current status (the message's summary), on the UTC day the operator stored it; the figures group the statuses
 * so that {@code sent} = {@code inFlight} + {@code scheduled} + {@code delivered} + {@code bounced} + {@code failed} +
 * {@code suppressed} + {@code canceled}, and {@code opened}, {@code clicked}, {@code complained},
 * {@code unsubscribed} are parts of {@code delivered}.
 */
final class OverviewViews {
    private OverviewViews() {}

    private static final Set<MessageStatus> IN_FLIGHT =
            EnumSet.of(MessageStatus.ACCEPTED, MessageStatus.QUEUED, MessageStatus.DEFERRED, MessageStatus.DISPATCHED);
    /** Reached the mailbox, as far as anyone told: delivered, and what only a delivered email can become. */
    private static final Set<MessageStatus> DELIVERED = EnumSet.of(
            MessageStatus.DELIVERED,
            MessageStatus.OPENED,
            MessageStatus.CLICKED,
            MessageStatus.UNSUBSCRIBED,
            MessageStatus.COMPLAINED);
    /** A click is an open the tracking pixel may have missed. */
    private static final Set<MessageStatus> OPENED = EnumSet.of(MessageStatus.OPENED, MessageStatus.CLICKED);
    /** Never sent: Mailroom gave up, or the provider refused it. */
    private static final Set<MessageStatus> FAILED = EnumSet.of(MessageStatus.FAILED, MessageStatus.DROPPED);

    /** The emails of a window, or of one day of it, by what became of them. */
    record OverviewFigures(
            long sent,
            long inFlight,
            long scheduled,
            long delivered,
            long opened,
            long clicked,
            long bounced,
            long complained,
            long unsubscribed,
            long failed,
            long suppressed,
            long canceled) {

        static OverviewFigures of(Map<MessageStatus, Long> counts) {
            return new OverviewFigures(
                    sum(counts, EnumSet.allOf(MessageStatus.class)),
                    sum(counts, IN_FLIGHT),
                    sum(counts, EnumSet.of(MessageStatus.SCHEDULED)),
                    sum(counts, DELIVERED),
                    sum(counts, OPENED),
                    sum(counts, EnumSet.of(MessageStatus.CLICKED)),
                    sum(counts, EnumSet.of(MessageStatus.BOUNCED)),
                    sum(counts, EnumSet.of(MessageStatus.COMPLAINED)),
                    sum(counts, EnumSet.of(MessageStatus.UNSUBSCRIBED)),
                    sum(counts, FAILED),
                    sum(counts, EnumSet.of(MessageStatus.SUPPRESSED)),
                    sum(counts, EnumSet.of(MessageStatus.CANCELED)));
        }

        private static long sum(Map<MessageStatus, Long> counts, Set<MessageStatus> statuses) {
            return statuses.stream().mapToLong(s -> counts.getOrDefault(s, 0L)).sum();
        }
    }

    /**
     * Rates between figures, from 0 to 1 (four decimals); null where the figure they divide by is 0.
     *
     * @param delivered  delivered / sent
     * @param opened     opened / delivered
     * @param clicked    clicked / delivered
     * @param bounced    bounced / sent
     * @param complained complained / delivered
     * @param failed     failed / sent
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record OverviewRates(
            Double delivered, Double opened, Double clicked, Double bounced, Double complained, Double failed) {

        static OverviewRates of(OverviewFigures f) {
            return new OverviewRates(
                    rate(f.delivered(), f.sent()),
                    rate(f.opened(), f.delivered()),
                    rate(f.clicked(), f.delivered()),
                    rate(f.bounced(), f.sent()),
                    rate(f.complained(), f.delivered()),
                    rate(f.failed(), f.sent()));
        }

        private static Double rate(long part, long whole) {
            return whole == 0 ? null : Math.round(10_000.0 * part / whole) / 10_000.0;
        }
    }

    /** One UTC day of the window: the emails stored that day, by what became of them. */
    record OverviewDay(LocalDate day, OverviewFigures figures) {}

    /**
     * The organization's emails of the last {@code days} UTC days, today included: from {@code since} (midnight UTC
     * of the first day) to {@code until} (midnight UTC after today, exclusive).
     *
     * @param statuses how many are at each status, in status precedence order (statuses with none left out)
     * @param daily    every day of the window, oldest first, days without emails included (all zeros)
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Overview(
            int days,
            Instant since,
            Instant until,
            OverviewFigures totals,
            OverviewRates rates,
            Map<String, Long> statuses,
            List<OverviewDay> daily) {}
}
