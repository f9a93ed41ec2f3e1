package dev.mailroom.bench.history;

import dev.mailroom.bench.report.BenchReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report of a history run as Markdown: command line, machine, fill, reads against their targets, storage, plans. */
final class HistoryMarkdown {
    /** Plans shown in full: those of the slowest statements of the largest organization, and of each other. */
    static final int PLANS_SHOWN = 6;

    static final int PLANS_SHOWN_OTHERS = 2;

    private HistoryMarkdown() {}

    static String render(HistoryReport r) {
        StringBuilder md = new StringBuilder();
        HistoryReport.Fill f = r.fill();
        HistoryReport.Machine m = r.machine();
        md.append("# Mailroom history benchmark ").append(r.runId()).append("\n\n");
        md.append(r.startedAt())
                .append(" — **history**: ")
                .append(n(f.emails()))
                .append(" emails over ")
                .append(f.days())
                .append(" days in ")
                .append(f.organizations())
                .append(" organizations (seed ")
                .append(f.seed())
                .append("), PostgreSQL ")
                .append(m.postgres())
                .append(", Mailroom in the `api` role only (")
                .append(m.mailroomJvm())
                .append("). ")
                .append(m.cores())
                .append(" cores, ")
                .append(m.memoryMiB() / 1024)
                .append(" GiB, ")
                .append(m.java())
                .append(", ")
                .append(m.os())
                .append(".\n\n");
        md.append("```\n").append(r.commandLine()).append("\n```\n\n");
        md.append("Mailroom: ").append(r.mailroom()).append(".\n\n");
        if (!r.label().isBlank()) {
            md.append("> ").append(r.label()).append("\n\n");
        }
        md.append(String.format(
                Locale.ROOT,
                "The machine was %.0f%% busy before the run (100%% = one core). PostgreSQL: %s.%n%n",
                m.busyPercentBeforeRun(),
                String.join(", ", m.postgresSettings())));

        targets(md, r);
        fill(md, r);
        for (HistoryReport.Reads reads : r.reads()) {
            reads(md, reads);
        }
        storage(md, r);
        plans(md, r);
        if (!r.notes().isEmpty()) {
            md.append("## Notes\n\n");
            r.notes().forEach(note -> md.append("- ").append(note).append("\n"));
            md.append("\n");
        }
        return md.toString();
    }

    private static void targets(StringBuilder md, HistoryReport r) {
        if (r.reads().isEmpty()) {
            return;
        }
        md.append("## Targets\n\n");
        md.append("p99 < 20 ms for one message; p99 < 100 ms for every list and page (and one member).\n\n");
        md.append("| organization | kinds met | missed (p99) |\n|---|---|---|\n");
        for (HistoryReport.Reads reads : r.reads()) {
            List<String> missed = new ArrayList<>();
            int met = 0;
            for (HistoryReaders.KindResult k : reads.kinds()) {
                if (k.met()) {
                    met++;
                } else {
                    missed.add(k.kind().title + " ("
                            + (k.latency().count() == 0
                                    ? "no answer"
                                    : ms(k.latency().p99()) + " ms")
                            + (k.errors() > 0 ? ", " + k.errors() + " errors" : "") + ")");
                }
            }
            md.append("| ")
                    .append(reads.organizationId())
                    .append(" (")
                    .append(reads.role())
                    .append(", ")
                    .append(n(reads.emails()))
                    .append(" emails) | ")
                    .append(met)
                    .append(" of ")
                    .append(reads.kinds().size())
                    .append(" | ")
                    .append(missed.isEmpty() ? "none" : String.join("; ", missed))
                    .append(" |\n");
        }
        md.append("\n");
    }

    private static void fill(StringBuilder md, HistoryReport r) {
        HistoryReport.Fill f = r.fill();
        HistoryGenerator.Counts c = f.counts();
        md.append("## Fill\n\n");
        md.append("From ")
                .append(f.from())
                .append(" to ")
                .append(f.until())
                .append(". Schema by Mailroom's own migrations (an `operator,api` process, which also created the"
                        + " organizations, each with an owner and a key, through the REST API); history by"
                        + " COPY, with the tables' keys and indexes set aside and built again as the catalog"
                        + " defined them; then `VACUUM (ANALYZE)`.\n\n");
        md.append("| figure | value |\n|---|---|\n");
        row(md, "emails (messages, message_contents)", n(c.emails()));
        row(
                md,
                "recipients",
                n(c.recipients()) + " (" + n(c.recipientsWithMember()) + " naming a member; " + n(c.messagesOfSeveral())
                        + " emails with Cc)");
        row(md, "tags", n(c.tags()));
        row(
                md,
                "activities",
                n(c.activities())
                        + String.format(
                                Locale.ROOT, " (%.2f per email)", (double) c.activities() / Math.max(1, c.emails())));
        row(md, "members / member_search_terms", n(c.members()) + " / " + n(c.terms()));
        row(md, "rows in all", n(f.rows()));
        row(md, "schema and organizations (Mailroom start, migrations, REST)", secs(f.schemaSeconds()));
        row(
                md,
                "COPY (generation included)",
                secs(f.copySeconds())
                        + String.format(
                                Locale.ROOT,
                                " — %,.0f emails/s, %,.0f rows/s",
                                c.emails() / f.copySeconds(),
                                f.rowsPerSecond()));
        row(md, "read models (members by COPY, overview counts by INSERT … SELECT)", secs(f.membersSeconds()));
        row(md, f.definitionsRebuilt() + " keys and indexes built", secs(f.indexSeconds()));
        row(md, "VACUUM (ANALYZE)", secs(f.vacuumSeconds()));
        row(
                md,
                "**fill in all**",
                "**" + secs(f.totalSeconds()) + String.format(Locale.ROOT, " — %,.0f emails/s**", f.emailsPerSecond()));
        row(
                md,
                f.emails() == 10_000_000
                        ? "10,000,000 emails (measured)"
                        : "10,000,000 emails (estimated from this run)",
                secs(f.estimateSeconds10M()) + String.format(Locale.ROOT, " (%.0f min)", f.estimateSeconds10M() / 60));
        md.append("\n| organization | provider | member ids | emails | members |\n|---|---|---|---|---|\n");
        for (HistoryReport.Organization o : r.organizations()) {
            md.append("| ")
                    .append(o.id())
                    .append(" | ")
                    .append(o.provider())
                    .append(" | ")
                    .append(o.memberIds())
                    .append(" | ")
                    .append(n(o.emails()))
                    .append(" | ")
                    .append(n(o.members()))
                    .append(" |\n");
        }
        md.append("\n");
    }

    private static void reads(StringBuilder md, HistoryReport.Reads reads) {
        md.append("## Reads: ")
                .append(reads.organizationId())
                .append(" (")
                .append(reads.role())
                .append(": ")
                .append(n(reads.emails()))
                .append(" emails, ")
                .append(n(reads.members()))
                .append(" members)\n\n");
        md.append("Latency from sending a request to having its whole answer, at the readers (over loopback); n the"
                        + " answers measured (200s only), req/s what the readers got through together, CPU the whole"
                        + " machine's use meanwhile (100% = one core of ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(
                        ": Mailroom, PostgreSQL and the readers share them), items the mean list items per answer.\n\n");
        md.append("| query | request | n | req/s | CPU | items | p50 ms | p95 ms | p99 ms | max ms | target p99 |"
                + " verdict |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (HistoryReaders.KindResult k : reads.kinds()) {
            BenchReport.Latency l = k.latency();
            md.append("| ")
                    .append(k.kind().title)
                    .append(" | `")
                    .append(k.request())
                    .append("` | ")
                    .append(l.count())
                    .append(k.errors() > 0 ? " (" + k.errors() + " errors)" : "")
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", k.perSecond()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f%%", k.machineBusyPercent()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", k.itemsPerAnswer()))
                    .append(" | ")
                    .append(ms(l.p50()))
                    .append(" | ")
                    .append(ms(l.p95()))
                    .append(" | ")
                    .append(ms(l.p99()))
                    .append(" | ")
                    .append(ms(l.max()))
                    .append(" | < ")
                    .append(ms(k.kind().targetP99Millis))
                    .append(" | ")
                    .append(k.met() ? "met" : "**missed**")
                    .append(" |\n");
        }
        md.append("\n");
    }

    private static void storage(StringBuilder md, HistoryReport r) {
        Storage.Sizes s = r.storage();
        long emails = Math.max(1, r.fill().counts().emails());
        md.append("## Storage\n\n");
        md.append("| table | rows | table (heap + TOAST) | indexes | total | bytes per email |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (Storage.Table t : s.tables()) {
            md.append("| ")
                    .append(t.name())
                    .append(" | ")
                    .append(n(t.rows()))
                    .append(" | ")
                    .append(mib(t.tableBytes()))
                    .append(" | ")
                    .append(mib(t.indexBytes()))
                    .append(" | ")
                    .append(mib(t.totalBytes()))
                    .append(" | ")
                    .append(n(t.totalBytes() / emails))
                    .append(" |\n");
        }
        md.append("| **all history tables** |  | ")
                .append(mib(s.tableBytes()))
                .append(" | ")
                .append(mib(s.indexBytes()))
                .append(" | **")
                .append(mib(s.totalBytes()))
                .append("** | **")
                .append(n(s.totalBytes() / emails))
                .append("** |\n\n");
        md.append("Database size (`pg_database_size`): ")
                .append(mib(s.databaseBytes()))
                .append(", ")
                .append(n(s.databaseBytes() / emails))
                .append(" bytes per email. The indexes were"
                        + " built after the rows were in: compact; indexes on random keys (UUIDs) that grew row by row"
                        + " over months are typically a quarter to a third larger.\n\n");
    }

    private static void plans(StringBuilder md, HistoryReport r) {
        md.append("## Query plans\n\n");
        md.append(r.plansHow()).append("\n\n");
        if (r.plans().isEmpty()) {
            return;
        }
        List<String> organizations = r.plans().stream()
                .map(QueryPlans.Plan::organizationId)
                .distinct()
                .toList();
        List<QueryPlans.Plan> shown = new ArrayList<>();
        for (int o = 0; o < organizations.size(); o++) {
            String organization = organizations.get(o);
            List<QueryPlans.Plan> ordered = new ArrayList<>(r.plans().stream()
                    .filter(p -> p.organizationId().equals(organization))
                    .toList());
            ordered.sort(java.util.Comparator.comparingDouble(QueryPlans.Plan::millis)
                    .reversed());
            int show = o == 0 ? PLANS_SHOWN : PLANS_SHOWN_OTHERS;
            shown.addAll(ordered.subList(0, Math.min(show, ordered.size())));
            md.append("### ")
                    .append(organization)
                    .append(": each kind's slowest statement, slowest first (the plans of the ")
                    .append(show)
                    .append(" slowest below)\n\n");
            md.append("| query | slowest statement | ms | statements |\n|---|---|---|---|\n");
            for (QueryPlans.Plan p : ordered) {
                md.append("| ")
                        .append(p.kind().title)
                        .append(" | `")
                        .append(abbreviate(p.query()))
                        .append("` | ")
                        .append(ms(p.millis()))
                        .append(" | ")
                        .append(p.statements())
                        .append(" |\n");
            }
            md.append("\n");
        }
        for (QueryPlans.Plan p : shown) {
            md.append("### ")
                    .append(p.organizationId())
                    .append(", ")
                    .append(p.kind().title)
                    .append(": ")
                    .append(ms(p.millis()))
                    .append(" ms\n\n```sql\n")
                    .append(p.query())
                    .append("\n```\n\n```\n")
                    .append(p.plan().stripTrailing())
                    .append("\n```\n\n");
        }
    }

    private static String abbreviate(String sql) {
        String s = sql.replace('`', '\'');
        return s.length() <= 90 ? s : s.substring(0, 87) + "...";
    }

    private static void row(StringBuilder md, String figure, String value) {
        md.append("| ").append(figure).append(" | ").append(value).append(" |\n");
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String ms(double v) {
        return v < 0 ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String secs(double v) {
        return String.format(Locale.ROOT, "%.1f s", v);
    }

    private static String mib(long bytes) {
        return bytes >= 10L << 30
                ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
