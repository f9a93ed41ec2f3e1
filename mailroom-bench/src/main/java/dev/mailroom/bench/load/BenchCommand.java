package dev.mailroom.bench.load;

/** Placeholder until the benchmark lands (issue 5). */
public final class BenchCommand {
    private BenchCommand() {
    }

    public static int run(String[] args) {
        System.err.println("the benchmark is not built yet");
        return 2;
    }
}
