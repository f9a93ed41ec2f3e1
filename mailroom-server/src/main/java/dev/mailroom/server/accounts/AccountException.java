package dev.mailroom.server.accounts;

import dev.mailroom.contracts.Violation;
import java.util.List;

/**
 * A request about accounts that cannot be done, with the HTTP status that says why: 422 (a rule,
 * each violation naming its field), 404 (not this caller's to see), 409 (taken, or the last owner).
 * Nothing was changed.
 */
public class AccountException extends RuntimeException {
    private final int status;
    private final String title;
    private final transient List<Violation> violations;

    AccountException(int status, String title, List<Violation> violations) {
        super(
                violations.size() == 1
                        ? violations.get(0).field() + ": " + violations.get(0).message()
                        : violations.size() + " problems with the request; see errors");
        this.status = status;
        this.title = title;
        this.violations = List.copyOf(violations);
    }

    static AccountException invalid(List<Violation> violations) {
        return new AccountException(422, "Invalid request", violations);
    }

    static AccountException invalid(String field, String message) {
        return invalid(List.of(new Violation(field, message)));
    }

    static AccountException notFound(String field, String what) {
        return new AccountException(404, "Not found", List.of(new Violation(field, what + " not found")));
    }

    static AccountException conflict(String field, String message) {
        return new AccountException(409, "Conflict", List.of(new Violation(field, message)));
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<Violation> violations() {
        return violations;
    }
}
