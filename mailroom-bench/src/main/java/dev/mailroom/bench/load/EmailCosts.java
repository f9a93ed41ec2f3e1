package dev.mailroom.bench.load;

import dev.mailroom.bench.cluster.Database;
import dev.mailroom.bench.report.BenchReport;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one email cost the infrastructure in a run — queue messages, rows written, commits, WAL —
 * and how many emails per second the same-run ceilings would allow at that cost.
 */
final class EmailCosts {
    private EmailCosts() {}

    /**
     * @param published the queue messages Mailroom counted over the measured load and drain; when it
     *                  could not count them, they are inferred from what was recorded instead
     */
    static BenchReport.Costs measure(
            Database db,
            RunEmails run,
            DatabaseCounters.Snapshot before,
            DatabaseCounters.Snapshot after,
            long eventsPosted,
            PublishedMessages.Count published)
            throws SQLException {
        Map<String, Long> recorded = DatabaseCounters.recordedRows(db, run);
        double emails = Math.max(1, recorded.getOrDefault("messages", 0L));
        Map<String, Double> queues = published.counted()
                ? perEmail(published.byQueue(), emails)
                : inferredPerEmail(recorded, eventsPosted, emails);
        String queueHow = published.counted()
                ? " Queue messages per email are " + published.how() + "."
                : " Queue messages per email are inferred from what was recorded (one per submission, QUEUED, dispatcher report and"
                        + " webhook event the fake provider posted), because " + published.how()
                        + "; a Mailroom that sends reports"
                        + " produced together as one tracking message (mailroom.tracking.activities.v1) sends far fewer.";
        double queueMessages = published.counted()
                ? published.byQueue().values().stream()
                                .mapToLong(Long::longValue)
                                .sum()
                        / emails
                : queues.values().stream().mapToDouble(Double::doubleValue).sum();
        if (before != null && after != null) {
            Map<String, long[]> writes = DatabaseCounters.writesBetween(before, after);
            long inserted = writes.values().stream().mapToLong(d -> d[0]).sum();
            long updated = writes.values().stream().mapToLong(d -> d[1]).sum();
            long hot = writes.values().stream().mapToLong(d -> d[3]).sum();
            Map<String, Double> tidy = new LinkedHashMap<>();
            writes.forEach((table, d) -> {
                if (d[0] + d[1] > 0) {
                    tidy.put(table, Round.two((d[0] + d[1]) / emails));
                }
            });
            long commits = after.commits() - before.commits();
            long wal = DatabaseCounters.walBytesSince(db, before.walLsn());
            return new BenchReport.Costs(
                    Round.two(inserted / emails),
                    Round.two(updated / emails),
                    updated == 0 ? -1 : Round.two((double) hot / updated),
                    Round.two((inserted + updated) / emails),
                    Round.two(commits / emails),
                    Round.two(wal / 1024.0 / emails),
                    Round.two(queueMessages),
                    queues,
                    tidy,
                    "Rows and commits from PostgreSQL's statistics (pg_stat_user_tables, pg_stat_database) over the measured load and drain;"
                            + " rows by table are inserts + updates. WAL is server-wide." + queueHow);
        }
        long inserted = recorded.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> tidy = new LinkedHashMap<>();
        recorded.forEach((k, v) -> tidy.put(k, Round.two(v / emails)));
        return new BenchReport.Costs(
                Round.two(inserted / emails),
                -1,
                -1,
                Round.two(inserted / emails),
                -1,
                -1,
                Round.two(queueMessages),
                queues,
                tidy,
                "H2 keeps no write statistics: rows are those this run's messages have (inserts only; status updates not counted)."
                        + queueHow);
    }

    /** Messages per email by queue: mailbox, dispatching and tracking always, any other queue (e.g. dead-lettered) when it carried some. */
    static Map<String, Double> perEmail(Map<String, Long> byQueue, double emails) {
        Map<String, Double> queues = new LinkedHashMap<>();
        for (String queue :
                List.of(PublishedMessages.MAILBOX, PublishedMessages.DISPATCHING, PublishedMessages.TRACKING)) {
            queues.put(shortName(queue), Round.two(byQueue.getOrDefault(queue, 0L) / emails));
        }
        byQueue.forEach((queue, count) -> {
            if (count != 0 && !queues.containsKey(shortName(queue))) {
                queues.put(shortName(queue), Round.two(count / emails));
            }
        });
        return queues;
    }

    private static String shortName(String queue) {
        return queue.startsWith("mailroom.") ? queue.substring("mailroom.".length()) : queue;
    }

    /** Today's inference, for a Mailroom that does not count: one message per submission, QUEUED, dispatcher report and provider event. */
    private static Map<String, Double> inferredPerEmail(Map<String, Long> recorded, long eventsPosted, double emails) {
        long queued = recorded.getOrDefault("activities:QUEUED", 0L);
        long reports = recorded.getOrDefault("activities:DISPATCHED", 0L)
                + recorded.getOrDefault("activities:DEFERRED", 0L)
                + recorded.getOrDefault("activities:FAILED", 0L);
        long events = eventsPosted >= 0
                ? eventsPosted
                : recorded.entrySet().stream()
                        .filter(
                                e -> e.getKey()
                                        .matches(
                                                "activities:(DELIVERED|OPENED|CLICKED|BOUNCED|COMPLAINED|DROPPED|UNSUBSCRIBED)"))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
        Map<String, Double> queues = new LinkedHashMap<>();
        queues.put("mailbox", Round.two(recorded.getOrDefault("messages", 0L) / emails));
        queues.put("dispatching", Round.two(queued / emails));
        queues.put("tracking", Round.two((reports + events) / emails));
        return queues;
    }

    static BenchReport.Fractions fractions(
            BenchReport.Ceilings ceilings, BenchReport.Costs costs, double mailroomPerSecond) {
        if (ceilings == null || costs == null || costs.queueMessagesPerEmail() <= 0 || costs.rowWritesPerEmail() <= 0) {
            return null;
        }
        double broker = ceilings.amqpMessagesPerSecond() / costs.queueMessagesPerEmail();
        double database = ceilings.dbRowsPerSecond() / costs.rowWritesPerEmail();
        double together = 1 / (1 / broker + 1 / database);
        return new BenchReport.Fractions(
                Round.one(broker),
                Round.one(database),
                Round.one(together),
                mailroomPerSecond,
                Round.two(mailroomPerSecond / Math.min(broker, database)),
                Round.two(mailroomPerSecond / together));
    }
}
