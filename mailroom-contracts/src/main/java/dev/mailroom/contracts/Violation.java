package dev.mailroom.contracts;

import java.util.List;
import java.util.stream.Collectors;

/** One thing wrong with a submitted email: the field (as in the REST body) and what to do. */
public record Violation(String field, String message) {

    /** One line for a log or a FAILED reason: {@code "field message; field message"}. */
    public static String summary(List<Violation> violations) {
        return violations.stream().map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; "));
    }
}
