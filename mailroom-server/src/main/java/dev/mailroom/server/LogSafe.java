package dev.mailroom.server;

/**
 * Text from a request (a path segment, a header, a reason that quotes the body) made safe to put
 * in a log line: control characters (CR and LF above all, which would let a caller start a log
 * line of its own), and the Unicode line and paragraph separators, are written as escapes, and
 * the text is cut at a length no log reader needs.
 */
public final class LogSafe {
    static final int MAX_CHARS = 500;

    private LogSafe() {}

    /** {@code String.valueOf(value)} with CR, LF, every other control character and U+2028/U+2029 escaped. */
    public static String escape(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = null;
        int end = Math.min(s.length(), MAX_CHARS);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            String escaped = switch (c) {
                case '\r' -> "\\r";
                case '\n' -> "\\n";
                case '\t' -> "\\t";
                default ->
                    Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                            ? String.format("\\u%04x", (int) c)
                            : null;
            };
            if (escaped != null && out == null) {
                out = new StringBuilder(end + 16).append(s, 0, i);
            }
            if (out != null) {
                if (escaped != null) {
                    out.append(escaped);
                } else {
                    out.append(c);
                }
            }
        }
        String result = out == null ? s.substring(0, end) : out.toString();
        return s.length() > MAX_CHARS ? result + "…(" + s.length() + " chars)" : result;
    }
}
