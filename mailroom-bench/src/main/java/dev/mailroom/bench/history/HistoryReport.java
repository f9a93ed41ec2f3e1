package dev.mailroom.bench.history;

import java.time.Instant;
import java.util.List;

/** Everything a history run found, as the Markdown and JSON reports give it. */
record HistoryReport(
        String runId,
        Instant startedAt,
        String label,
        String commandLine,
        String mailroom,
        Machine machine,
        Fill fill,
        List<Organization> organizations,
        List<Reads> reads,
        Storage.Sizes storage,
        List<QueryPlans.Plan> plans,
        String plansHow,
        List<String> notes) {

    /** @param busyPercentBeforeRun the machine's CPU use just before the run (100% = one core): others' work */
    record Machine(
            int cores,
            String java,
            String os,
            long memoryMiB,
            double busyPercentBeforeRun,
            String postgres,
            List<String> postgresSettings,
            String mailroomJvm) {}

    /**
     * The fill: what was written and how long it took.
     *
     * @param estimateSeconds10M the fill of 10,000,000 emails estimated from this one's rates (COPY and VACUUM
     *                           linear, index builds n log n); measured instead when this run was that large
     */
    record Fill(
            long emails,
            int days,
            int organizations,
            long seed,
            Instant from,
            Instant until,
            HistoryGenerator.Counts counts,
            long rows,
            double copySeconds,
            double membersSeconds,
            double indexSeconds,
            double vacuumSeconds,
            double totalSeconds,
            double schemaSeconds,
            int definitionsRebuilt,
            double estimateSeconds10M) {

        double emailsPerSecond() {
            return emails / totalSeconds;
        }

        double rowsPerSecond() {
            return rows / copySeconds;
        }
    }

    record Organization(String id, String provider, String memberIds, long emails, long members) {}

    /** One organization's reads: {@code role} says which ("largest", "smallest"). */
    record Reads(
            String organizationId, String role, long emails, long members, List<HistoryReaders.KindResult> kinds) {}
}
