package dev.mailroom.server.operator;

import dev.mailroom.server.LogSafe;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one message from failing its batch. The batch's work runs once, in one piece (the fast
 * path: one transaction per batch). If it fails for a reason that is not the infrastructure's
 * ({@link OperatorFailures#isInfrastructure}), some item of the batch provokes it: the batch is
 * halved and each half run again, down to the single items that still fail, alone and once more
 * after that, which are handed to the caller to dead-letter. Every other item is done. With k bad items among n, that is at most about
 * 2k·log2(n) extra runs, and none at all for a healthy batch.
 *
 * <p>The work must be all-or-nothing per run (one transaction) and idempotent, so that running a
 * half again after a failed whole changes nothing twice: every operator write is.
 *
 * <p>A database outage during any of these runs is waited out in place, as everywhere else.
 * The price of this rule: a failure that is nobody's fault but is not recognised as an outage
 * (a bug that fails every message) dead-letters the messages instead of looping them; dead-lettered messages
 * are kept with their reason and can be replayed, looped ones stall everyone's mail.
 */
final class Isolation {
    private static final Logger log = LoggerFactory.getLogger(Isolation.class);

    private Isolation() {}

    /**
     * Runs {@code work} on all items, or, if that fails because of some of them, on all but those.
     *
     * @param work    all-or-nothing work on a part of the items
     * @param culprit called once for each item that fails the work on its own, with the failure
     * @throws RuntimeException an infrastructure failure (broker, interrupt): the caller gives the batch back
     */
    static <T> void run(List<T> items, Consumer<List<T>> work, BiConsumer<T, RuntimeException> culprit) {
        if (items.isEmpty()) {
            return;
        }
        try {
            OperatorFailures.waitOutOutages(() -> work.accept(items));
        } catch (RuntimeException e) {
            if (OperatorFailures.isInfrastructure(e)) {
                throw e;
            }
            log.warn(
                    "A batch of {} failed ({}); isolating the message(s) that cause it",
                    items.size(),
                    LogSafe.escape(summary(e)));
            bisect(items, work, culprit, e);
        }
    }

    private static <T> void bisect(
            List<T> items, Consumer<List<T>> work, BiConsumer<T, RuntimeException> culprit, RuntimeException failure) {
        if (items.size() == 1) {
            // One more run on its own before it is blamed: poison fails every time, while a
            // failure that was the moment's (a connection lost mid-commit that did not look like
            // an outage) passes now. Good mail is never dead-lettered for one bad moment.
            try {
                OperatorFailures.waitOutOutages(() -> work.accept(items));
            } catch (RuntimeException again) {
                if (OperatorFailures.isInfrastructure(again)) {
                    throw again;
                }
                culprit.accept(items.get(0), again);
            }
            return;
        }
        int half = items.size() / 2;
        for (List<T> part : List.of(items.subList(0, half), items.subList(half, items.size()))) {
            try {
                OperatorFailures.waitOutOutages(() -> work.accept(part));
            } catch (RuntimeException e) {
                if (OperatorFailures.isInfrastructure(e)) {
                    throw e;
                }
                bisect(part, work, culprit, e);
            }
        }
    }

    /** The failure in one line: its type and the most specific message (a driver's, for a database refusal). */
    static String summary(Throwable e) {
        Throwable specific = e;
        while (specific.getCause() != null && specific.getCause() != specific) {
            specific = specific.getCause();
        }
        String text = specific == e
                ? e.getClass().getSimpleName() + ": " + e.getMessage()
                : e.getClass().getSimpleName() + ": " + specific.getClass().getSimpleName() + ": "
                        + specific.getMessage();
        return text.length() > 1000 ? text.substring(0, 1000) + "…" : text;
    }
}
