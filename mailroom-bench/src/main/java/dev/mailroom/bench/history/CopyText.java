package dev.mailroom.bench.history;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * Rows in PostgreSQL's {@code COPY ... FROM STDIN} text format (tab between columns, {@code \N} for NULL, backslash
 * escapes), built in a buffer of its own and handed to a stream (a COPY in progress) whenever it holds enough: a
 * table of millions of rows is never one string.
 *
 * <p>Timestamps are written from microseconds since the epoch in UTC ({@code 2026-12-07 04:39:20.065907+00}), the
 * way PostgreSQL prints a {@code timestamp with time zone} in a UTC session, without a formatter object per value.
 */
final class CopyText {
    private static final int FLUSH_AT = 1 << 16;
    private static final byte[] NULL = {'\\', 'N'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private byte[] buffer = new byte[FLUSH_AT + 4096];
    private int length;
    private boolean rowStarted;
    private long rows;
    private long cachedDay = Long.MIN_VALUE;
    private final byte[] cachedDate = new byte[11];

    /** @param out where full buffers go; null: the buffer only grows, and {@link #takeBytes()} empties it */
    CopyText(OutputStream out) {
        this.out = out;
    }

    /** Rows ended so far. */
    long rows() {
        return rows;
    }

    CopyText nul() {
        separate();
        put(NULL);
        return this;
    }

    CopyText text(String value) {
        separate();
        if (value == null) {
            put(NULL);
            return this;
        }
        int n = value.length();
        boolean plain = true;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x80 || c == '\\' || c < 0x20 || c == 0x7f) {
                plain = false;
                break;
            }
        }
        if (plain) {
            ensure(n);
            for (int i = 0; i < n; i++) {
                buffer[length++] = (byte) value.charAt(i);
            }
            return this;
        }
        escaped(value.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** UTF-8 bytes (JSON, say), escaped like text. */
    CopyText utf8(byte[] value) {
        separate();
        escaped(value);
        return this;
    }

    CopyText number(long value) {
        separate();
        if (value >= 0 && value < 10) {
            ensure(1);
            buffer[length++] = (byte) ('0' + value);
            return this;
        }
        put(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    CopyText bool(boolean value) {
        separate();
        ensure(1);
        buffer[length++] = (byte) (value ? 't' : 'f');
        return this;
    }

    CopyText uuid(UUID id) {
        separate();
        if (id == null) {
            put(NULL);
            return this;
        }
        ensure(36);
        long msb = id.getMostSignificantBits();
        long lsb = id.getLeastSignificantBits();
        hex(msb >>> 32, 8);
        buffer[length++] = '-';
        hex(msb >>> 16, 4);
        buffer[length++] = '-';
        hex(msb, 4);
        buffer[length++] = '-';
        hex(lsb >>> 48, 4);
        buffer[length++] = '-';
        hex(lsb, 12);
        return this;
    }

    /** A {@code timestamp with time zone} from microseconds since the epoch; {@link Long#MIN_VALUE} is NULL. */
    CopyText time(long micros) {
        separate();
        if (micros == Long.MIN_VALUE) {
            put(NULL);
            return this;
        }
        long day = Math.floorDiv(micros, 86_400_000_000L);
        long inDay = micros - day * 86_400_000_000L;
        if (day != cachedDay) {
            cachedDay = day;
            byte[] date = java.time.LocalDate.ofEpochDay(day).toString().getBytes(StandardCharsets.US_ASCII);
            if (date.length != 10) {
                throw new IllegalArgumentException("a date outside years 1000-9999: " + new String(date));
            }
            System.arraycopy(date, 0, cachedDate, 0, 10);
            cachedDate[10] = ' ';
        }
        ensure(30);
        System.arraycopy(cachedDate, 0, buffer, length, 11);
        length += 11;
        long seconds = inDay / 1_000_000;
        two(seconds / 3600);
        buffer[length++] = ':';
        two(seconds / 60 % 60);
        buffer[length++] = ':';
        two(seconds % 60);
        buffer[length++] = '.';
        long fraction = inDay % 1_000_000;
        for (int i = 5; i >= 0; i--) {
            buffer[length + i] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        length += 6;
        buffer[length++] = '+';
        buffer[length++] = '0';
        buffer[length++] = '0';
        return this;
    }

    /** Ends the row; the buffer goes to the stream once it holds enough. */
    void endRow() {
        ensure(1);
        buffer[length++] = '\n';
        rowStarted = false;
        rows++;
        if (out != null && length >= FLUSH_AT) {
            flush();
        }
    }

    /** Whole rows formatted elsewhere (by {@link #takeBytes()}), each ending in a newline. */
    void rows(byte[] formatted, int count) {
        if (rowStarted) {
            throw new IllegalStateException("a row is being written");
        }
        put(formatted);
        rows += count;
        if (out != null && length >= FLUSH_AT) {
            flush();
        }
    }

    /** What was written since the last call (the buffer of a writer without a stream), and empties it. */
    byte[] takeBytes() {
        byte[] taken = Arrays.copyOf(buffer, length);
        length = 0;
        rows = 0;
        return taken;
    }

    void flush() {
        if (out == null || length == 0) {
            return;
        }
        try {
            out.write(buffer, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        length = 0;
    }

    private void separate() {
        if (rowStarted) {
            ensure(1);
            buffer[length++] = '\t';
        }
        rowStarted = true;
    }

    private void escaped(byte[] bytes) {
        ensure(bytes.length * 2);
        for (byte b : bytes) {
            switch (b) {
                case '\\' -> {
                    buffer[length++] = '\\';
                    buffer[length++] = '\\';
                }
                case '\n' -> {
                    buffer[length++] = '\\';
                    buffer[length++] = 'n';
                }
                case '\r' -> {
                    buffer[length++] = '\\';
                    buffer[length++] = 'r';
                }
                case '\t' -> {
                    buffer[length++] = '\\';
                    buffer[length++] = 't';
                }
                default -> buffer[length++] = b;
            }
        }
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void hex(long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            buffer[length + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
        length += digits;
    }

    private void two(long value) {
        buffer[length++] = (byte) ('0' + value / 10);
        buffer[length++] = (byte) ('0' + value % 10);
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
