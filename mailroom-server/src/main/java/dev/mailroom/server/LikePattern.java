package dev.mailroom.server;

/**
 * A LIKE pattern that finds a piece of text anywhere in a column, for SQL that says {@code LIKE ? ESCAPE '\'}. The
 * text's own {@code %}, {@code _} and backslashes are escaped, so a search for "100%" or "a_b" means just that and
 * a caller cannot widen a search into a wildcard.
 */
public final class LikePattern {
    private LikePattern() {}

    /** {@code %text%}, with the text's wildcards and the escape character taken literally. */
    public static String containing(String text) {
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
