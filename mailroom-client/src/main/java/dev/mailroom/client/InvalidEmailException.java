package dev.mailroom.client;

import dev.mailroom.contracts.Violation;
import java.util.List;
import java.util.stream.Collectors;

/** The email breaks a rule of {@link dev.mailroom.contracts.EmailRules}; nothing was sent. */
public class InvalidEmailException extends IllegalArgumentException {
    private final transient List<Violation> violations;

    public InvalidEmailException(List<Violation> violations) {
        super("invalid email: "
                + violations.stream().map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }
}
