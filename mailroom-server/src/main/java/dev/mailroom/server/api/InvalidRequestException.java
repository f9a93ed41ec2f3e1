package dev.mailroom.server.api;

import dev.mailroom.contracts.Violation;
import java.util.List;

/**
 * A request that is well-formed but breaks the rules; answered 422 with every violation, under a
 * title that says what was wrong ("Invalid email", "Invalid query parameter", ...).
 */
class InvalidRequestException extends RuntimeException {
    static final String INVALID_REQUEST = "Invalid request";
    static final String INVALID_EMAIL = "Invalid email";
    static final String INVALID_QUERY_PARAMETER = "Invalid query parameter";
    static final String INVALID_SETTING = "Invalid setting";

    private final String title;
    private final transient List<Violation> violations;

    InvalidRequestException(List<Violation> violations) {
        this(INVALID_REQUEST, violations);
    }

    InvalidRequestException(String title, List<Violation> violations) {
        super(
                violations.size() == 1
                        ? violations.get(0).field() + ": " + violations.get(0).message()
                        : violations.size() + " problems with the request; see errors");
        this.title = title;
        this.violations = List.copyOf(violations);
    }

    String title() {
        return title;
    }

    List<Violation> violations() {
        return violations;
    }
}
