package dev.mailroom.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The run as a page a person reads: the verdicts first, then the figures that explain them. */
public final class MarkdownReport {
    private final StringBuilder md = new StringBuilder();

    private MarkdownReport() {}

    public static String render(BenchReport r, String chartFileName) {
        MarkdownReport m = new MarkdownReport();
        m.write(r, chartFileName);
        return m.md.toString();
    }

    private void write(BenchReport r, String chartFileName) {
        BenchReport.Config c = r.config();
        line("# Mailroom benchmark " + r.runId());
        line("");
        line(String.format(
                Locale.ROOT,
                "%s — **%s**, %s setup, %s, %s. %d cores, %s.",
                r.startedAt(),
                r.mode(),
                c.setup(),
                r.pipeline() != null
                        ? "submitting via " + c.submitVia() + " at " + c.rate() + " emails/s for " + c.durationSeconds()
                                + " s from " + organizations(c.organizations())
                        : r.fairness() != null
                                ? String.format(
                                        Locale.ROOT,
                                        "organization A submitting %,d emails via AMQP as fast as it can while B submits %d/s via REST",
                                        c.count(),
                                        r.fairness().bRatePerSecond())
                                : r.quota() != null
                                        ? String.format(
                                                Locale.ROOT,
                                                "%,d emails via %s at %s/s, provider limit %d/s on each of %d dispatcher(s)",
                                                c.count(),
                                                c.submitVia(),
                                                c.rate(),
                                                r.quota().limitPerSecond(),
                                                r.quota().dispatchers())
                                        : "",
                c.broker() + " + " + c.database(),
                r.machine().cores(),
                r.machine().java()));
        if (!r.label().isBlank()) {
            line("");
            line("> " + r.label());
        }
        line("");
        line("![throughput, latency and CPU over the run](" + chartFileName + ")");
        if (!r.targets().isEmpty()) {
            section("Targets");
            table(
                    List.of("target", "measured", "verdict"),
                    r.targets().stream()
                            .map(t -> List.of(t.target(), t.measured(), t.verdict()))
                            .toList());
        }
        if (r.pipeline() != null) {
            pipeline(r.pipeline());
        }
        if (r.webhooks() != null) {
            webhooks(r.webhooks());
        }
        if (r.fairness() != null) {
            fairness(r.fairness());
        }
        if (r.quota() != null) {
            quota(r.quota());
        }
        if (r.ledger() != null) {
            ledger(r.ledger());
        }
        if (r.ingest() != null) {
            ingest(r.ingest());
        }
        if (r.ceilings() != null) {
            ceilings(r);
        }
        if (r.costs() != null) {
            costs(r.costs());
        }
        section("Processes");
        line(String.format(
                Locale.ROOT,
                "CPU during the measured load (100%% = one core); CPU per %s from the start of the load until"
                        + " the last was tracked, total %.2f ms.",
                r.ingest() != null ? "event" : "email",
                r.usage().stream()
                        .mapToDouble(u -> Math.max(0, u.cpuMillisPerUnit()))
                        .sum()));
        line(String.format(
                Locale.ROOT,
                " The whole machine was %.0f%% busy of %d00%%, steal %.1f%%"
                        + " (before the run started anything: %.0f%%).",
                r.machine().busyPercentDuringLoad(),
                r.machine().cores(),
                r.machine().stealPercentDuringLoad(),
                r.machine().busyPercentBeforeRun()));
        line(
                " Heap (sampled every 2 s): the floor is the lowest heap used in the first and in the last third of the load, about"
                        + " what the JVM retained.");
        line("");
        String unit = r.ingest() != null ? "event" : "email";
        table(
                List.of(
                        "process",
                        "avg CPU %",
                        "max CPU %",
                        "CPU ms per " + unit,
                        "peak RSS MiB",
                        "peak heap used MiB",
                        "heap floor MiB (first / last third of the load)",
                        "GC pauses (s / count)"),
                r.usage().stream()
                        .map(u -> List.of(
                                u.name(),
                                f1(u.avgCpuPercent()),
                                f1(u.maxCpuPercent()),
                                u.cpuMillisPerUnit() < 0 ? "—" : f2(u.cpuMillisPerUnit()),
                                f1(u.peakRssMiB()),
                                u.peakHeapUsedMiB() < 0 ? "—" : f1(u.peakHeapUsedMiB()),
                                u.heapFloorFirstThirdMiB() < 0 && u.heapFloorLastThirdMiB() < 0
                                        ? "—"
                                        : orDash(u.heapFloorFirstThirdMiB()) + " / "
                                                + orDash(u.heapFloorLastThirdMiB()),
                                u.gcPauses() < 0
                                        ? "—"
                                        : String.format(Locale.ROOT, "%.2f / %d", u.gcPauseSeconds(), u.gcPauses())))
                        .toList());
        if (!r.processes().isEmpty()) {
            line("");
            line("Started: "
                    + String.join(
                            "; ",
                            r.processes().stream()
                                    .map(p -> p.name() + " (" + p.roles() + ", pid " + p.pid() + ", log `" + p.log()
                                            + "`)")
                                    .toList())
                    + ".");
        }
        for (BenchReport.HotMethods h : r.profiles()) {
            section("Where " + h.process() + " spent its CPU (JFR, " + h.samples() + " samples during the load)");
            line("By area (the library of the first non-JDK frame):");
            line("");
            table(
                    List.of("area", "% of samples"),
                    h.byArea().stream()
                            .map(s -> List.of(s.name(), f1(s.percent())))
                            .toList());
            line("");
            line("Hottest methods (top frame):");
            line("");
            table(
                    List.of("method", "% of samples"),
                    h.topFrames().stream()
                            .map(s -> List.of("`" + s.name() + "`", f1(s.percent())))
                            .toList());
            if (!h.waits().isEmpty()) {
                line("");
                line(
                        "Where threads doing Mailroom's work waited (parked, monitors, socket reads of 1 ms or more; seconds summed over threads):");
                line("");
                table(
                        List.of("Mailroom frame -> what it waited in", "seconds", "waits"),
                        h.waits().stream()
                                .map(w -> List.of("`" + w.where() + "`", f1(w.seconds()), Long.toString(w.count())))
                                .toList());
            }
        }
        section("Configuration");
        table(
                List.of("setting", "value"),
                List.of(
                        List.of(
                                "setup",
                                c.setup()
                                        + (c.setup().equals("SPLIT")
                                                ? " (" + c.operators() + " operator, " + c.dispatchers()
                                                        + " dispatcher, 1 api+webhooks)"
                                                : "")),
                        List.of(
                                "load",
                                c.submitVia() + ", rate " + c.rate() + ", " + c.durationSeconds() + " s, at most "
                                        + c.count() + " emails, " + c.warmupSeconds() + " s warm-up"),
                        List.of(
                                "organizations",
                                organizations(c.organizations())
                                        + (c.keys() == null || c.keys().isBlank() ? "" : " — " + c.keys())),
                        List.of(
                                "emails",
                                "1 recipient (in turn one of 10,000 members, each with one address and name), "
                                        + c.bodyBytes() + "-byte text, 1 tag"),
                        List.of(
                                "fake provider",
                                String.format(
                                        Locale.ROOT,
                                        "open rate %.2f, click rate %.2f, events %d ms after the send, batches of <= %d"
                                                + " (lingering up to %d ms to fill them), %d webhook calls in flight",
                                        c.openRate(),
                                        c.clickRate(),
                                        c.eventDelayMillis(),
                                        c.webhookBatch(),
                                        c.webhookLingerMillis(),
                                        c.webhookPosters())),
                        List.of("heap", "-Xmx" + c.heap()),
                        List.of(
                                "server args",
                                c.serverArgs().isEmpty() ? "—" : "`" + String.join(" ", c.serverArgs()) + "`"),
                        List.of("JVM args", c.jvmArgs().isEmpty() ? "—" : "`" + String.join(" ", c.jvmArgs()) + "`"),
                        List.of("broker", c.broker()),
                        List.of("database", c.database())));
        if (!r.notes().isEmpty()) {
            section("Notes");
            r.notes().forEach(n -> line("- " + n));
        }
    }

    /** A report written before the organizations were counted reads 0: it was all organization default. */
    private static String organizations(int n) {
        return n <= 1 ? "1 organization" : n + " organizations";
    }

    private void pipeline(BenchReport.Pipeline p) {
        section("Throughput");
        table(
                List.of("figure", "value"),
                List.of(
                        List.of(
                                "emails submitted (confirmed)",
                                String.format(
                                        Locale.ROOT,
                                        "%,d in %.1f s = %.1f/s offered",
                                        p.submitted(),
                                        p.loadSeconds(),
                                        p.offeredPerSecond())),
                        List.of(
                                "submit failures",
                                p.submitFailures()
                                        + (p.lastSubmitFailure() == null
                                                ? ""
                                                : " (last: " + p.lastSubmitFailure() + ")")),
                        List.of(
                                "recorded by Mailroom / fully tracked",
                                String.format(Locale.ROOT, "%,d / %,d", p.recorded(), p.fullyTracked())),
                        List.of(
                                "**sustained, fully tracked**",
                                String.format(
                                        Locale.ROOT,
                                        "**%.1f emails/s** (over the last %.1f s of the load)",
                                        p.sustainedTrackedPerSecond(),
                                        p.windowSeconds())),
                        List.of("peak second, fully tracked", p.peakTrackedPerSecond() + " emails"),
                        List.of(
                                "untracked when the load stopped",
                                String.format(
                                        Locale.ROOT,
                                        "%,d emails; the last was tracked %.1f s later",
                                        p.backlogAtLoadEnd(),
                                        p.drainSeconds())),
                        List.of("kept up with the offered rate", p.keptUp() ? "yes" : "**no**"),
                        List.of("load generator behind schedule (max)", p.generatorBehindMaxMillis() + " ms"),
                        List.of(
                                "webhook events accepted during the load",
                                p.webhookEventsPerSecond() < 0
                                        ? "not measured (the sandbox posts its own webhooks)"
                                        : f1(p.webhookEventsPerSecond()) + " events/s"
                                                + (p.webhookCalls() > 0
                                                        ? String.format(
                                                                Locale.ROOT,
                                                                " (%.1f events per webhook call)",
                                                                p.eventsPerWebhookCall())
                                                        : ""))));
        section("Latency");
        line(
                "From the moment the benchmark submitted each email to when Mailroom recorded each step (database `recorded_at`;"
                        + " DISPATCHED also by its `occurred_at`, when the provider answered). DELIVERED includes the fake provider's event delay and"
                        + " webhook batching.");
        line("");
        table(
                List.of("step", "emails", "p50 ms", "p95 ms", "p99 ms", "max ms"),
                p.latencies().stream()
                        .map(l -> List.of(
                                l.step(), Long.toString(l.count()), f1(l.p50()), f1(l.p95()), f1(l.p99()), f1(l.max())))
                        .toList());
    }

    private void fairness(BenchReport.Fairness f) {
        section("Fairness");
        line(String.format(
                Locale.ROOT,
                "Organization A (`%s`) submitted through the mailbox as fast as it could while organization B (`%s`)"
                        + " submitted %d emails/s through REST, each in a request of its own sent when due, from A's first submit until A's last email was"
                        + " dispatched; then A again, alone. DISPATCHED is Mailroom's DISPATCHED activity: its `occurred_at` (when the"
                        + " provider answered) and its `recorded_at`; the submit time is the benchmark's.",
                f.organizationA(),
                f.organizationB(),
                f.bRatePerSecond()));
        line("");
        table(
                List.of(
                        "run",
                        "A confirmed",
                        "A submit failures",
                        "A submitting (s)",
                        "A dispatched",
                        "first submit -> last DISPATCHED (s)",
                        "**A dispatched/s**",
                        "all dispatched"),
                List.of(f.withB(), f.alone()).stream()
                        .map(run -> List.of(
                                run.name(),
                                String.format(Locale.ROOT, "%,d", run.aConfirmed()),
                                Long.toString(run.aSubmitFailures()),
                                f1(run.aSubmitSeconds()),
                                String.format(Locale.ROOT, "%,d", run.aDispatched()),
                                f1(run.aSeconds()),
                                "**" + f1(run.aDispatchedPerSecond()) + "**",
                                run.aAllDispatched() ? "yes" : "**no**"))
                        .toList());
        line("");
        line(String.format(
                Locale.ROOT,
                "A's throughput with B is %s of A alone's. B: %,d emails confirmed, %,d dispatched, %d submit failures%s;"
                        + " its requests started at most %d ms behind schedule (at most 64 in flight).",
                f.aThroughputRatio() < 0 ? "not comparable" : Math.round(100 * f.aThroughputRatio()) + "%",
                f.bConfirmed(),
                f.bDispatched(),
                f.bSubmitFailures(),
                f.bLastSubmitFailure() == null ? "" : " (last: " + f.bLastSubmitFailure() + ")",
                f.bBehindScheduleMaxMillis()));
        line("");
        table(
                List.of("latency", "emails", "p50 ms", "p95 ms", "p99 ms", "max ms"),
                List.of(
                                f.bLatency(),
                                f.bLatencyRecorded(),
                                f.bAnswered(),
                                f.withB().aLatency(),
                                f.alone().aLatency())
                        .stream()
                        .map(l -> List.of(
                                l.step(), Long.toString(l.count()), f1(l.p50()), f1(l.p95()), f1(l.p99()), f1(l.max())))
                        .toList());
        line("");
        line("B's submit -> DISPATCHED (provider answered), by range:");
        line("");
        table(
                List.of("range", "emails of B"),
                f.bDistribution().stream()
                        .map(b -> List.of(b.range(), Long.toString(b.count())))
                        .toList());
    }

    private void webhooks(BenchReport.Webhooks w) {
        section("Webhooks to the customer's endpoint");
        line(String.format(
                Locale.ROOT,
                "The notifier role delivered every event of the emails to %d endpoint(s) subscribed to `*` on a sink in the"
                        + " benchmark's JVM (204 at once). An event is counted at the first arrival of its `webhook-id`.",
                w.endpoints()));
        line("");
        table(
                List.of("figure", "value"),
                List.of(
                        List.of(
                                "events received",
                                String.format(
                                        Locale.ROOT,
                                        "%,d (%,d requests, %,d repeating a webhook-id)",
                                        w.eventsReceived(),
                                        w.requests(),
                                        w.duplicates())),
                        List.of(
                                "**events/s at the endpoint**",
                                String.format(
                                        Locale.ROOT,
                                        "**%.1f** steady; %.1f from the load's start to the last arrival",
                                        w.steadyEventsPerSecond(),
                                        w.eventsPerSecond())),
                        List.of(
                                "delivery lag (occurredAt → received)",
                                w.lag().count() == 0
                                        ? "—"
                                        : String.format(
                                                Locale.ROOT,
                                                "p50 %s ms, p99 %s ms, max %s ms over %,d events",
                                                f1(w.lag().p50()),
                                                f1(w.lag().p99()),
                                                f1(w.lag().max()),
                                                w.lag().count())),
                        List.of(
                                "signatures verified (sample)",
                                String.format(
                                        Locale.ROOT,
                                        "%,d checked, %d failed",
                                        w.signaturesChecked(),
                                        w.signatureFailures())),
                        List.of(
                                "last event after the drain",
                                w.settledSeconds() < 0
                                        ? "the sink did not go quiet"
                                        : String.format(Locale.ROOT, "%.1f s", w.settledSeconds()))));
    }

    private void quota(BenchReport.Quota q) {
        section("Provider quota");
        line(String.format(
                Locale.ROOT,
                "`mailroom.dispatcher.rate-limits.sendgrid=%d` on every process, %d dispatcher(s). The fake provider counted the"
                        + " sends it received (answered or refused) in each wall-clock second, from the load's first second to the end"
                        + " of the drain, quiet seconds included; none is left out.",
                q.limitPerSecond(),
                q.dispatchers()));
        line("");
        table(
                List.of("figure", "value"),
                List.of(
                        List.of(
                                "emails submitted (confirmed)",
                                String.format(
                                        Locale.ROOT, "%,d at %.1f/s offered", q.submitted(), q.offeredPerSecond())),
                        List.of(
                                "sends received",
                                String.format(
                                        Locale.ROOT,
                                        "%,d over %d s; %.1f/s on average from the first second with a send to the last",
                                        q.sendsReceived(),
                                        q.secondsCounted(),
                                        q.meanSendsPerSecondWhileSending())),
                        List.of(
                                "**most sends in one second**",
                                String.format(
                                        Locale.ROOT,
                                        "**%d** (%s); allowed %.1f",
                                        q.maxSendsInASecond(),
                                        q.busiestSecond().isEmpty() ? "—" : q.busiestSecond(),
                                        q.allowedPerSecond())),
                        List.of("seconds over the allowed", Long.toString(q.secondsOverAllowed())),
                        List.of("FAILED emails", Long.toString(q.failed())),
                        List.of("drained", q.drained() ? "yes" : "**no**")));
        line("");
        line("Sends per second: "
                + String.join(
                        " ", q.sendsPerSecond().stream().map(String::valueOf).toList())
                + ".");
    }

    private void ledger(BenchReport.Ledger l) {
        section("Ledger (DESIGN §2)");
        line("The fault suite's ledger check, after the drain, over " + l.emails()
                + String.format(
                        Locale.ROOT,
                        " (%,d + %,d): each recorded once and in a terminal status, no fact recorded twice, no email sent twice"
                                + " (DESIGN §2, items 1-3; items 4-6, status precedence, bad input and tenants, are not part of this check).",
                        l.warmupEmails(),
                        l.measuredEmails()));
        line("");
        if (!l.checked()) {
            line("**Not checked:** " + l.notChecked() + ".");
            return;
        }
        table(
                List.of("figure", "emails"),
                List.of(
                        List.of("submitted (confirmed)", String.format(Locale.ROOT, "%,d", l.submitted())),
                        List.of("present in messages", String.format(Locale.ROOT, "%,d", l.present())),
                        List.of(
                                "lost (missing / not terminal)",
                                String.format(
                                        Locale.ROOT,
                                        "%,d (%,d / %,d)%s",
                                        l.lost(),
                                        l.missing(),
                                        l.notTerminal(),
                                        l.lost() > 0 && !l.drained()
                                                ? " — the drain timed out: late or lost, not told apart"
                                                : "")),
                        List.of("duplicate message rows", String.format(Locale.ROOT, "%,d", l.duplicateMessageRows())),
                        List.of(
                                "duplicate activity rows",
                                String.format(Locale.ROOT, "%,d", l.duplicateActivityRows())),
                        List.of(
                                "duplicate sends",
                                l.sendsCounted()
                                        ? String.format(
                                                Locale.ROOT,
                                                "%,d (the fake provider's accepted sends per email)",
                                                l.duplicateSends())
                                        : "not counted (the sandbox provider keeps no count of sends)"),
                        List.of(
                                "repeated deliveries recorded",
                                String.format(
                                        Locale.ROOT,
                                        "%,d (DELIVERED under a second provider message id)",
                                        l.repeatedDeliveries())),
                        List.of(
                                "final statuses",
                                l.statusCounts().isEmpty()
                                        ? "—"
                                        : String.join(
                                                ", ",
                                                new TreeMap<>(l.statusCounts())
                                                        .entrySet().stream()
                                                                .map(e -> e.getKey() + " "
                                                                        + String.format(
                                                                                Locale.ROOT, "%,d", e.getValue()))
                                                                .toList()))));
        line("");
        line(String.format(Locale.ROOT, "Read and judged in %.1f s.", l.seconds()));
        if (!l.problems().isEmpty()) {
            line("");
            line("Problems:");
            line("");
            l.problems().forEach(p -> line("- " + p));
        }
    }

    private void ingest(BenchReport.Ingest i) {
        section("Webhook ingest");
        table(
                List.of("figure", "value"),
                List.of(
                        List.of(
                                "**events accepted (2xx after broker confirm)**",
                                String.format(
                                        Locale.ROOT,
                                        "**%,.0f events/s** (%,d events in %.1f s)",
                                        i.acceptedEventsPerSecond(),
                                        i.events(),
                                        i.seconds())),
                        List.of(
                                "webhook calls / failed",
                                i.calls() + " / " + i.failedCalls()
                                        + (i.lastFailure() == null ? "" : " (last: " + i.lastFailure() + ")")),
                        List.of(
                                "call latency p50 / p95 / p99 / max",
                                String.format(
                                        Locale.ROOT,
                                        "%.1f / %.1f / %.1f / %.1f ms",
                                        i.callLatency().p50(),
                                        i.callLatency().p95(),
                                        i.callLatency().p99(),
                                        i.callLatency().max())),
                        List.of(
                                "recorded by the operators",
                                String.format(
                                        Locale.ROOT,
                                        "%,d events, %,.0f events/s from the first call until the tracking queue was empty"
                                                + " (%.1f s after the last call)",
                                        i.recordedEvents(),
                                        i.recordedEventsPerSecond(),
                                        i.drainSeconds()))));
    }

    private void ceilings(BenchReport r) {
        BenchReport.Ceilings c = r.ceilings();
        section("Infrastructure ceilings (same run, Mailroom idle)");
        table(
                List.of("loop", "rate", "how"),
                List.of(
                        List.of(
                                "AMQP publish-confirm-consume",
                                String.format(Locale.ROOT, "%,.0f messages/s", c.amqpMessagesPerSecond()),
                                c.amqpHow()),
                        List.of(
                                "database batched inserts",
                                String.format(Locale.ROOT, "%,.0f rows/s", c.dbRowsPerSecond()),
                                c.dbHow())));
        BenchReport.Fractions f = r.fractions();
        if (f != null) {
            line("");
            line(String.format(
                    Locale.ROOT,
                    "At this run's cost per email, the broker alone would allow **%,.0f emails/s** and the database alone"
                            + " **%,.0f emails/s**; both sharing the same cores, about **%,.0f emails/s**. Mailroom sustained **%,.1f emails/s**:"
                            + " **%.0f%%** of the shared-cores ceiling (the one the target is judged against: every email needs both),"
                            + " %.0f%% of the lower ceiling alone.",
                    f.brokerAllowsPerSecond(),
                    f.databaseAllowsPerSecond(),
                    f.togetherAllowPerSecond(),
                    f.mailroomPerSecond(),
                    100 * f.fractionOfTogether(),
                    100 * f.fractionOfLowerCeiling()));
        }
    }

    private void costs(BenchReport.Costs c) {
        section("Cost per email");
        table(
                List.of("figure", "per email"),
                List.of(
                        List.of(
                                "queue messages",
                                f2(c.queueMessagesPerEmail()) + " (" + join(c.queueMessagesByQueue()) + ")"),
                        List.of(
                                "rows inserted",
                                f2(c.rowsInsertedPerEmail())
                                        + (c.rowsByTable().isEmpty() ? "" : " (" + join(c.rowsByTable()) + ")")),
                        List.of(
                                "rows updated",
                                c.rowsUpdatedPerEmail() < 0
                                        ? "not measured"
                                        : f2(c.rowsUpdatedPerEmail())
                                                + (c.hotUpdateShare() < 0
                                                        ? ""
                                                        : String.format(
                                                                Locale.ROOT,
                                                                " (%.0f%% in place, HOT)",
                                                                100 * c.hotUpdateShare()))),
                        List.of("row writes (inserted + updated)", f2(c.rowWritesPerEmail())),
                        List.of("database commits", c.commitsPerEmail() < 0 ? "not measured" : f2(c.commitsPerEmail())),
                        List.of(
                                "WAL written",
                                c.walKiBPerEmail() < 0 ? "not measured" : f2(c.walKiBPerEmail()) + " KiB")));
        line("");
        line(c.how());
    }

    private static String join(Map<String, Double> values) {
        return String.join(
                ", ",
                values.entrySet().stream()
                        .map(e -> e.getKey() + " " + f2(e.getValue()))
                        .toList());
    }

    private void section(String title) {
        line("");
        line("## " + title);
        line("");
    }

    private void table(List<String> header, List<List<String>> rows) {
        line("| " + String.join(" | ", header) + " |");
        line("|" + "---|".repeat(header.size()));
        rows.forEach(row -> line("| "
                + String.join(
                        " | ", row.stream().map(s -> s.replace("|", "\\|")).toList()) + " |"));
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private static String orDash(double v) {
        return v < 0 ? "—" : f1(v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
