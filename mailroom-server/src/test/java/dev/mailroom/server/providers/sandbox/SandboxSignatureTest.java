package dev.mailroom.server.providers.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SandboxSignatureTest {
    private static final byte[] BODY = "{\"events\":[]}".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void aSignatureMadeWithTheSecretVerifies() {
        String header = SandboxSignature.sign("s3cret", NOW, BODY);
        assertThat(SandboxSignature.problemWith(header, "s3cret", BODY, NOW.plusSeconds(30), TOLERANCE))
                .isNull();
    }

    @Test
    void theHeaderHasTheDocumentedShape() {
        assertThat(SandboxSignature.sign("s3cret", NOW, BODY))
                .matches("t=" + NOW.getEpochSecond() + ",v1=[0-9a-f]{64}");
    }

    @Test
    void aTimestampFromTheFutureBeyondTheToleranceIsRefused() {
        String header = SandboxSignature.sign("s3cret", NOW.plusSeconds(600), BODY);
        assertThat(SandboxSignature.problemWith(header, "s3cret", BODY, NOW, TOLERANCE))
                .contains("old");
    }

    @Test
    void garbageHeadersAreRefusedWithAReason() {
        assertThat(SandboxSignature.problemWith("t=abc,v1=zz", "s3cret", BODY, NOW, TOLERANCE))
                .contains("unreadable");
        assertThat(SandboxSignature.problemWith("v1=00", "s3cret", BODY, NOW, TOLERANCE))
                .contains("must be");
        assertThat(SandboxSignature.problemWith("", "s3cret", BODY, NOW, TOLERANCE))
                .contains("missing");
    }

    @Test
    void aCorrectlySignedTimestampWhoseAgeOverflowsIsRefused() throws Exception {
        // now - t wraps to Long.MIN_VALUE, whose absolute value is negative: it once passed as fresh.
        long t = NOW.getEpochSecond() + Long.MIN_VALUE;
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        String header = "t=" + t + ",v1=" + java.util.HexFormat.of().formatHex(mac.doFinal(BODY));

        assertThat(SandboxSignature.problemWith(header, "s3cret", BODY, NOW, TOLERANCE))
                .contains("old");
        assertThat(SandboxSignature.problemWith("t=" + Long.MIN_VALUE + ",v1=00", "s3cret", BODY, NOW, TOLERANCE))
                .contains("old");
        assertThat(SandboxSignature.problemWith("t=" + Long.MAX_VALUE + ",v1=00", "s3cret", BODY, NOW, TOLERANCE))
                .contains("old");
    }
}
