package dev.mailroom.bench;

import java.util.Arrays;

/**
 * {@code java -jar mailroom-bench.jar <command> [options]}:
 * <ul>
 *   <li>{@code bench}: the benchmark (load, ceilings, report) — see the README;</li>
 *   <li>{@code faults}: the fault-injection suite (kills, restarts, outages, ledger check);</li>
 *   <li>{@code history}: an email history of millions filled into PostgreSQL, and its reads measured;</li>
 *   <li>{@code fake-sendgrid}: only the fake provider, for manual runs.</li>
 * </ul>
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println(
                    "usage: java -jar mailroom-bench.jar bench|faults|history|fake-sendgrid [options]  (--help for each)");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "bench" -> System.exit(dev.mailroom.bench.load.BenchCommand.run(rest));
            case "faults" -> System.exit(dev.mailroom.bench.faults.FaultSuite.run(rest));
            case "history" -> System.exit(dev.mailroom.bench.history.HistoryCommand.run(rest));
            case "fake-sendgrid" -> System.exit(dev.mailroom.bench.fake.FakeSendGridCommand.run(rest));
            default -> {
                System.err.println("unknown command '" + args[0] + "'; use bench, faults, history or fake-sendgrid");
                System.exit(2);
            }
        }
    }
}
