package dev.mailroom.server.api;

import dev.mailroom.contracts.Violation;
import java.util.List;

/** A request that is well-formed JSON but breaks the rules; answered 422 with every violation. */
class InvalidRequestException extends RuntimeException {
    private final transient List<Violation> violations;

    InvalidRequestException(List<Violation> violations) {
        super(violations.size() == 1 ? violations.get(0).field() + ": " + violations.get(0).message()
                : violations.size() + " problems with the request; see errors");
        this.violations = List.copyOf(violations);
    }

    List<Violation> violations() {
        return violations;
    }
}
