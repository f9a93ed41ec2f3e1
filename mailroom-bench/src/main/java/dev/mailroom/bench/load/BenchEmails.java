package dev.mailroom.bench.load;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import java.util.List;
import java.util.Map;

/**
 * The emails a run submits: one recipient each (with a member id, as applications send them),
 * a text body of the chosen size, one tag. The sender address names the run and phase, which is
 * how the analysis finds this run's messages in a database that may hold others.
 */
final class BenchEmails {
    /** How many members the emails go to, in turn. */
    static final int MEMBERS = 10_000;

    private final String from;
    private final String text;
    private final boolean sandbox;

    BenchEmails(String runId, String phase, int bodyBytes, boolean sandbox) {
        this.from = fromAddress(runId, phase);
        this.text = filler(bodyBytes);
        this.sandbox = sandbox;
    }

    static String fromAddress(String runId, String phase) {
        return phase + "-" + runId + "@bench.example";
    }

    String from() {
        return from;
    }

    Email nth(long n) {
        // The sandbox provider decides by the local part: click+… is delivered, opened and clicked.
        // Each member keeps one address and one name, as an application's users do: a new address per email would
        // make every email a new member search term (two row writes no installation pays).
        long member = n % MEMBERS;
        String to = (sandbox ? "click+" : "user") + member + "@bench.example";
        return new Email(
                new Address(from, "Mailroom bench"),
                List.of(new Recipient(to, "Reader " + member, "member-" + member)),
                null,
                null,
                null,
                "Benchmark email " + n,
                text,
                null,
                null,
                List.of("bench"),
                Map.of("n", Long.toString(n)),
                null);
    }

    private static String filler(int bytes) {
        String words = "Mailroom measures how fast it records, sends and tracks every email. ";
        StringBuilder text = new StringBuilder(bytes);
        while (text.length() < bytes) {
            text.append(words);
        }
        text.setLength(bytes);
        return text.toString();
    }
}
