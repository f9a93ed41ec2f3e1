package dev.mailroom.contracts;

/** One thing wrong with a submitted email: the field (as in the REST body) and what to do. */
public record Violation(String field, String message) {
}
