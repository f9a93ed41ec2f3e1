package dev.mailroom.bench.report;

import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark run measured, as written to {@code results/<run>.json} and rendered
 * into the Markdown report and the SVG chart. Times in milliseconds, rates per second, memory
 * in MiB; -1 where a figure could not be measured in this setup.
 */
public record BenchReport(
        String runId,
        String startedAt,
        String label,
        String mode,
        Config config,
        Machine machine,
        List<StartedProcess> processes,
        Ceilings ceilings,
        Pipeline pipeline,
        Ingest ingest,
        Ledger ledger,
        List<Usage> usage,
        Costs costs,
        Fractions fractions,
        List<Target> targets,
        List<HotMethods> profiles,
        List<Second> series,
        List<String> notes,
        Fairness fairness,
        Quota quota,
        Webhooks webhooks) {

    /** A run of --mode pipeline or ingest: no fairness or quota figures. */
    public BenchReport(
            String runId,
            String startedAt,
            String label,
            String mode,
            Config config,
            Machine machine,
            List<StartedProcess> processes,
            Ceilings ceilings,
            Pipeline pipeline,
            Ingest ingest,
            Ledger ledger,
            List<Usage> usage,
            Costs costs,
            Fractions fractions,
            List<Target> targets,
            List<HotMethods> profiles,
            List<Second> series,
            List<String> notes) {
        this(
                runId, startedAt, label, mode, config, machine, processes, ceilings, pipeline, ingest, ledger, usage,
                costs, fractions, targets, profiles, series, notes, null, null, null);
    }

    /** A run without webhooks to a customer's endpoint. */
    public BenchReport(
            String runId,
            String startedAt,
            String label,
            String mode,
            Config config,
            Machine machine,
            List<StartedProcess> processes,
            Ceilings ceilings,
            Pipeline pipeline,
            Ingest ingest,
            Ledger ledger,
            List<Usage> usage,
            Costs costs,
            Fractions fractions,
            List<Target> targets,
            List<HotMethods> profiles,
            List<Second> series,
            List<String> notes,
            Fairness fairness,
            Quota quota) {
        this(
                runId, startedAt, label, mode, config, machine, processes, ceilings, pipeline, ingest, ledger, usage,
                costs, fractions, targets, profiles, series, notes, fairness, quota, null);
    }

    /** This report with the figures of --webhook-endpoint. */
    public BenchReport withWebhooks(Webhooks figures) {
        return new BenchReport(
                runId, startedAt, label, mode, config, machine, processes, ceilings, pipeline, ingest, ledger, usage,
                costs, fractions, targets, profiles, series, notes, fairness, quota, figures);
    }

    /**
     * --webhook-endpoint: what the customer's endpoint (a sink in the benchmark's JVM answering 204 at once) received
     * from the notifier. Rates count first arrivals of a {@code webhook-id}; the lag is from the event's
     * {@code occurredAt} to its first arrival.
     *
     * @param endpoints              endpoints registered on the sink (one per organization)
     * @param eventsReceived         distinct webhook-ids received, warm-up included
     * @param requests               requests received (retries and duplicates included)
     * @param duplicates             requests repeating a webhook-id already received
     * @param eventsPerSecond        events received from the start of the load until the last one arrived, per second
     * @param steadyEventsPerSecond  mean events per second over the steady part of the load (its first tenth left out)
     * @param lag                    occurredAt → received, over the events of the measured load
     * @param signaturesChecked      requests whose signature was verified (a sample)
     * @param signatureFailures      of those, not valid (bad signature, stale timestamp, missing headers)
     * @param settledSeconds         how long after the pipeline's drain the last event arrived (the sink was quiet for
     *                               {@code settledSeconds} < drain timeout), -1 if it never went quiet
     */
    public record Webhooks(
            int endpoints,
            long eventsReceived,
            long requests,
            long duplicates,
            double eventsPerSecond,
            double steadyEventsPerSecond,
            Latency lag,
            long signaturesChecked,
            long signatureFailures,
            double settledSeconds) {}

    /**
     * --mode fairness: organization A floods the mailbox while organization B submits a few emails a
     * second over REST; then A alone, back to back. DISPATCHED times are Mailroom's (the activity's
     * occurred_at: when the provider answered; and its recorded_at).
     *
     * @param bRatePerSecond         B's schedule: emails a second, each in a request of its own sent when due
     * @param bConfirmed             B's emails the API answered 202 for
     * @param bDispatched            of those, with a DISPATCHED activity
     * @param bBehindScheduleMaxMillis how late B's latest request started against its schedule
     * @param bAnswered              B's submit -> the API's 202 (after the broker's confirm): time spent being admitted
     * @param bLatency               B's submit -> DISPATCHED (provider answered)
     * @param bLatencyRecorded       B's submit -> DISPATCHED recorded by the operator
     * @param bDistribution          B's submit -> DISPATCHED (provider answered) by range
     * @param aThroughputRatio       A's dispatched/s with B over A's alone; -1 when not measured
     */
    public record Fairness(
            String organizationA,
            String organizationB,
            int bRatePerSecond,
            FairnessRun withB,
            FairnessRun alone,
            long bConfirmed,
            long bDispatched,
            long bSubmitFailures,
            String bLastSubmitFailure,
            long bBehindScheduleMaxMillis,
            Latency bAnswered,
            Latency bLatency,
            Latency bLatencyRecorded,
            List<Bucket> bDistribution,
            double aThroughputRatio) {}

    /**
     * One of the fairness mode's two runs, as organization A saw it.
     *
     * @param aSubmitSeconds        from A's first submit to its last
     * @param aSeconds              from A's first submit to A's last DISPATCHED (provider answered)
     * @param aDispatchedPerSecond  aDispatched / aSeconds
     * @param aAllDispatched        whether every confirmed email of A was dispatched within the drain timeout
     */
    public record FairnessRun(
            String name,
            long aConfirmed,
            long aSubmitFailures,
            double aSubmitSeconds,
            long aDispatched,
            double aSeconds,
            double aDispatchedPerSecond,
            boolean aAllDispatched,
            Latency aLatency) {}

    /** Emails whose latency fell in a range, e.g. "250 ms - 500 ms". */
    public record Bucket(String range, long count) {}

    /**
     * --mode quota: a send-rate limit per provider on every dispatcher; the fake provider counted the
     * sends it received in each wall-clock second, from the first second of the load to the end of
     * the drain, quiet seconds included.
     *
     * @param allowedPerSecond   the verdict's bound: limit x 1.10
     * @param busiestSecond      the (first) second with the most sends, UTC
     * @param secondsOverAllowed seconds with more sends than allowedPerSecond
     * @param sendsPerSecond     every counted second's sends, in order
     */
    public record Quota(
            int limitPerSecond,
            int dispatchers,
            double allowedPerSecond,
            long submitted,
            double offeredPerSecond,
            long sendsReceived,
            long maxSendsInASecond,
            String busiestSecond,
            long secondsCounted,
            long secondsOverAllowed,
            double meanSendsPerSecondWhileSending,
            long failed,
            boolean drained,
            List<Long> sendsPerSecond) {}

    /**
     * @param organizations the organizations the load was spread over, evenly (1: all in organization default)
     * @param keys          which API keys submitted the load and how (signing the mailbox messages, or Bearer)
     */
    public record Config(
            String setup,
            String submitVia,
            String rate,
            int durationSeconds,
            long count,
            int warmupSeconds,
            int operators,
            int dispatchers,
            String heap,
            List<String> serverArgs,
            List<String> jvmArgs,
            String broker,
            String database,
            String provider,
            double openRate,
            double clickRate,
            int eventDelayMillis,
            int webhookBatch,
            int webhookPosters,
            int webhookLingerMillis,
            int bodyBytes,
            int organizations,
            String keys) {}

    /** @param busyPercentBeforeRun the machine's CPU use just before the benchmark started anything: others' work */
    public record Machine(
            int cores,
            String java,
            String os,
            double busyPercentBeforeRun,
            double busyPercentDuringLoad,
            double stealPercentDuringLoad) {}

    public record StartedProcess(String name, String roles, long pid, String log) {}

    /**
     * The infrastructure alone, in the same run, at the pipeline's message size and durability.
     *
     * @param amqpMessagesPerSecond messages published (persistent, confirmed) and consumed (acked) per second
     * @param dbRowsPerSecond       rows inserted per second in JDBC batches, committed per batch
     */
    public record Ceilings(double amqpMessagesPerSecond, String amqpHow, double dbRowsPerSecond, String dbHow) {}

    /**
     * @param sustainedTrackedPerSecond emails that became fully tracked per second during the load (after its first seconds)
     * @param keptUp                    whether the emails were tracked about as fast as they were submitted
     */
    public record Pipeline(
            long submitted,
            long submitFailures,
            String lastSubmitFailure,
            long recorded,
            long fullyTracked,
            double loadSeconds,
            double offeredPerSecond,
            double windowSeconds,
            double sustainedTrackedPerSecond,
            double peakTrackedPerSecond,
            long backlogAtLoadEnd,
            double drainSeconds,
            boolean keptUp,
            long generatorBehindMaxMillis,
            double webhookEventsPerSecond,
            long webhookCalls,
            double eventsPerWebhookCall,
            List<Latency> latencies) {}

    /**
     * The fault suite's ledger check (DESIGN §2, items 1-3) over the run's confirmed emails, after
     * the drain; null in ingest mode. Counts are -1 where nothing was checked.
     *
     * @param notChecked            why the check did not run (the database could not be read...), null when it ran
     * @param emails                which emails were checked, in words
     * @param warmupEmails          confirmed submissions of the warm-up among them
     * @param measuredEmails        confirmed submissions of the measured load among them
     * @param submitted             emails checked: warmupEmails + measuredEmails
     * @param present               of those, with a row in {@code messages}
     * @param lost                  missing + notTerminal
     * @param duplicateMessageRows  ids with more than one row in {@code messages}
     * @param duplicateActivityRows activity rows beyond the first of each fact stored more than once
     * @param duplicateSends        sends the fake provider accepted beyond the first per email; -1 when not
     *                              counted (the sandbox provider has no such count)
     * @param repeatedDeliveries    DELIVERED rows beyond the first per (email, recipient), under another
     *                              provider message id: the database's view of duplicate sends
     * @param statusCounts          final status of the checked emails → count
     * @param problems              the first few problems, with example ids
     * @param drained               whether every measured email was fully tracked within the drain timeout;
     *                              when not, an email not yet terminal may be late rather than lost
     * @param seconds               how long reading and judging the rows took
     */
    public record Ledger(
            String notChecked,
            String emails,
            long warmupEmails,
            long measuredEmails,
            long submitted,
            long present,
            long lost,
            long missing,
            long notTerminal,
            long duplicateMessageRows,
            long duplicateActivityRows,
            long duplicateSends,
            long repeatedDeliveries,
            Map<String, Long> statusCounts,
            List<String> problems,
            boolean drained,
            double seconds) {
        public boolean checked() {
            return notChecked == null;
        }

        public boolean sendsCounted() {
            return duplicateSends >= 0;
        }
    }

    /** Latency of one step, measured from the moment the benchmark submitted the email. */
    public record Latency(String step, long count, double p50, double p95, double p99, double max) {}

    /**
     * @param acceptedEventsPerSecond events the webhook sink answered 2xx for (after the broker's confirm), per second
     * @param recordedEventsPerSecond events the operators stored, from the first post until the tracking queue was empty
     */
    public record Ingest(
            long events,
            long calls,
            long failedCalls,
            String lastFailure,
            double seconds,
            double acceptedEventsPerSecond,
            Latency callLatency,
            double recordedEventsPerSecond,
            long recordedEvents,
            double drainSeconds) {}

    /**
     * @param cpuMillisPerUnit CPU time from the start of the load until everything was tracked, per email (or per event
     *                         for ingest): what one email costs each process, whatever the backlog did meanwhile
     * @param heapFloorFirstThirdMiB the lowest heap used sampled in the first third of the load (about the live set
     *                               after a young collection): what the JVM retained then
     * @param heapFloorLastThirdMiB  the same in the last third of the load; above the first, the JVM kept more memory
     */
    public record Usage(
            String name,
            double avgCpuPercent,
            double maxCpuPercent,
            double cpuMillisPerUnit,
            double peakRssMiB,
            double peakHeapUsedMiB,
            double heapFloorFirstThirdMiB,
            double heapFloorLastThirdMiB,
            double gcPauseSeconds,
            long gcPauses) {}

    /** What one email costs the infrastructure, measured in this run. */
    /** @param hotUpdateShare share of the updates PostgreSQL made in place (HOT: no index entries, no new row elsewhere); -1 unknown */
    public record Costs(
            double rowsInsertedPerEmail,
            double rowsUpdatedPerEmail,
            double hotUpdateShare,
            double rowWritesPerEmail,
            double commitsPerEmail,
            double walKiBPerEmail,
            double queueMessagesPerEmail,
            Map<String, Double> queueMessagesByQueue,
            Map<String, Double> rowsByTable,
            String how) {}

    /**
     * @param brokerAllowsPerSecond   emails/s the AMQP ceiling allows at this many queue messages per email
     * @param databaseAllowsPerSecond emails/s the database ceiling allows at this many row writes per email
     * @param togetherAllowPerSecond  both on the same cores: 1 / (1/broker + 1/database)
     */
    public record Fractions(
            double brokerAllowsPerSecond,
            double databaseAllowsPerSecond,
            double togetherAllowPerSecond,
            double mailroomPerSecond,
            double fractionOfLowerCeiling,
            double fractionOfTogether) {}

    public record Target(String target, String measured, String verdict) {}

    /**
     * @param waits where threads doing Mailroom's work waited (parked, monitor, socket read; waits of 1 ms or more),
     *              by the innermost Mailroom frame and what it called, in seconds summed over threads
     */
    public record HotMethods(
            String process, long samples, List<Share> topFrames, List<Share> byArea, List<Wait> waits) {}

    public record Wait(String where, double seconds, long count) {}

    public record Share(String name, double percent) {}

    /** One second of the run, counted from the start of the measured load. */
    public record Second(
            int t,
            long submitted,
            long dispatched,
            long tracked,
            long events,
            double dispatchedP50,
            double dispatchedP99,
            double deliveredP50,
            double deliveredP99,
            Map<String, Double> cpuPercent,
            Map<String, Long> queued) {}
}
