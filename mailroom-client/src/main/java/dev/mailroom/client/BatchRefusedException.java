package dev.mailroom.client;

import java.io.IOException;

/**
 * {@link MailroomClient#submitAll} over REST: Mailroom refused some of the emails. The others WERE accepted and
 * will be sent: {@link #result()} says which (their ids) and why each refused one was refused.
 */
public class BatchRefusedException extends IOException {
    private final transient BatchResult result;

    public BatchRefusedException(BatchResult result) {
        super(result.rejected() + " of " + result.results().size() + " emails refused (" + result.accepted()
                + " accepted): "
                + result.results().stream()
                        .filter(i -> !i.isAccepted())
                        .map(i -> "[" + i.index() + "] " + i.status() + " " + i.title()
                                + (i.errors() == null || i.errors().isEmpty()
                                        ? ""
                                        : " " + dev.mailroom.contracts.Violation.summary(i.errors())))
                        .reduce((a, b) -> a + "; " + b)
                        .orElse(""));
        this.result = result;
    }

    public BatchResult result() {
        return result;
    }
}
