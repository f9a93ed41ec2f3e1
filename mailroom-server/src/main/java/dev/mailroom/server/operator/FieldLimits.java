package dev.mailroom.server.operator;

import dev.mailroom.contracts.MalformedMessageException;

/** The column sizes of the schema, checked before a queue message reaches the database. */
final class FieldLimits {
    private FieldLimits() {}

    /** @throws MalformedMessageException when the value is longer than its column */
    static void check(String field, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            throw new MalformedMessageException(
                    field + " is " + value.length() + " characters; at most " + maxLength + " fit");
        }
    }
}
