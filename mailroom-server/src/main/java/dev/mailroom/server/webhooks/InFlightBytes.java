package dev.mailroom.server.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.Semaphore;

/**
 * The request bytes all webhook calls together may hold in memory: a semaphore of bytes. A body
 * is read block by block and each block is reserved before it is read, so a body of unknown
 * length (chunked) is held to the same budget as one with a Content-Length, and no more than the
 * body limit is ever buffered for one call (the byte after the limit is read, never kept).
 */
final class InFlightBytes {
    static final int BLOCK = 64 * 1024;

    enum Outcome {
        READ,
        TOO_LARGE,
        BUSY
    }

    /** @param reserved what {@link #release} gives back once the call is done with the bytes */
    record Body(Outcome outcome, byte[] bytes, int reserved) {}

    private final Semaphore permits;

    InFlightBytes(long maxInFlightBytes) {
        this.permits = new Semaphore((int) Math.min(Integer.MAX_VALUE, maxInFlightBytes));
    }

    /**
     * @param declaredLength the Content-Length, or -1 (chunked): only a hint for the first reservation
     * @return the body (READ), or TOO_LARGE beyond {@code maxBody} bytes, or BUSY when the budget is used up;
     *         in the two latter cases nothing stays reserved
     */
    Body read(InputStream in, long declaredLength, int maxBody) throws IOException {
        // The body is read to the limit even when Content-Length already says it is too large:
        // answering before reading makes the container close the connection mid-upload, and many
        // clients then report a reset instead of the 413.
        int reserved = (int) (declaredLength >= 0 ? Math.min(declaredLength, maxBody) : Math.min(BLOCK, maxBody));
        if (!permits.tryAcquire(reserved)) {
            return new Body(Outcome.BUSY, null, 0);
        }
        byte[] buffer = new byte[reserved];
        int length = 0;
        try {
            while (true) {
                if (length == buffer.length) {
                    // Full: one more byte says whether there is more before anything more is reserved.
                    int next = in.read();
                    if (next < 0) {
                        break;
                    }
                    if (length == maxBody) {
                        permits.release(reserved);
                        return new Body(Outcome.TOO_LARGE, null, 0);
                    }
                    int more = Math.min(Math.max(BLOCK, length), maxBody - length);
                    if (!permits.tryAcquire(more)) {
                        permits.release(reserved);
                        return new Body(Outcome.BUSY, null, 0);
                    }
                    reserved += more;
                    buffer = Arrays.copyOf(buffer, reserved);
                    buffer[length++] = (byte) next;
                    continue;
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
        } catch (IOException | RuntimeException e) {
            permits.release(reserved);
            throw e;
        }
        return new Body(Outcome.READ, length == buffer.length ? buffer : Arrays.copyOf(buffer, length), reserved);
    }

    void release(Body body) {
        if (body != null && body.reserved() > 0) {
            permits.release(body.reserved());
        }
    }

    int available() {
        return permits.availablePermits();
    }
}
