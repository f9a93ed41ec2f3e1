package dev.mailroom.bench.faults;

/** Placeholder until the fault-injection suite lands (issue 4). */
public final class FaultSuite {
    private FaultSuite() {
    }

    public static int run(String[] args) {
        System.err.println("the fault suite is not built yet");
        return 2;
    }
}
