package dev.mailroom.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InFlightBytesTest {
    private static final int LIMIT = 200_000;

    /** A body of unknown length, as a chunked request is, that counts how much was read from it. */
    static final class CountingStream extends InputStream {
        private final InputStream in;
        long read;

        CountingStream(int size) {
            byte[] bytes = new byte[size];
            Arrays.fill(bytes, (byte) 'x');
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            read += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            // Small pieces, as a network delivers them.
            int n = in.read(b, off, Math.min(len, 8192));
            read += Math.max(n, 0);
            return n;
        }
    }

    @Test
    void aBodyOfUnknownLengthUpToTheLimitIsReadWhole() throws IOException {
        InFlightBytes budget = new InFlightBytes(1_000_000);

        InFlightBytes.Body body = budget.read(new CountingStream(LIMIT), -1, LIMIT);

        assertThat(body.outcome()).isEqualTo(InFlightBytes.Outcome.READ);
        assertThat(body.bytes()).hasSize(LIMIT);
        assertThat(budget.available()).isEqualTo(1_000_000 - body.reserved());
        budget.release(body);
        assertThat(budget.available()).isEqualTo(1_000_000);
    }

    @Test
    void aBodyOfUnknownLengthBeyondTheLimitIsRefusedAfterReadingOneByteMore() throws IOException {
        InFlightBytes budget = new InFlightBytes(1_000_000);
        CountingStream huge = new CountingStream(50 * LIMIT);

        InFlightBytes.Body body = budget.read(huge, -1, LIMIT);

        assertThat(body.outcome()).isEqualTo(InFlightBytes.Outcome.TOO_LARGE);
        assertThat(huge.read).isEqualTo(LIMIT + 1);
        assertThat(budget.available()).isEqualTo(1_000_000);
    }

    @Test
    void aDeclaredLengthIsReservedOnceAndNoMore() throws IOException {
        InFlightBytes budget = new InFlightBytes(1_000_000);

        InFlightBytes.Body body = budget.read(new CountingStream(1234), 1234, LIMIT);

        assertThat(body.bytes()).hasSize(1234);
        assertThat(body.reserved()).isEqualTo(1234);
    }

    @Test
    void whenAllCallsTogetherHoldTheBudgetTheNextIsBusyUntilOneIsDone() throws IOException {
        InFlightBytes budget = new InFlightBytes(LIMIT + 1000);
        InFlightBytes.Body first = budget.read(new CountingStream(LIMIT), LIMIT, LIMIT);

        InFlightBytes.Body second = budget.read(new CountingStream(5000), -1, LIMIT);

        assertThat(second.outcome()).isEqualTo(InFlightBytes.Outcome.BUSY);
        assertThat(budget.available()).isEqualTo(1000);
        budget.release(first);
        assertThat(budget.read(new CountingStream(5000), -1, LIMIT).outcome()).isEqualTo(InFlightBytes.Outcome.READ);
    }

    @Test
    void aFailedReadGivesItsReservationBack() {
        InFlightBytes budget = new InFlightBytes(1_000_000);
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("client went away");
            }
        };

        try {
            budget.read(broken, 500, LIMIT);
        } catch (IOException expected) {
            // as the container reports an aborted upload
        }

        assertThat(budget.available()).isEqualTo(1_000_000);
    }
}
