package dev.mailroom.server.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
    /** The Standard Webhooks specification's published test vector (also in its reference libraries' tests). */
    static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long SPEC_TIMESTAMP = 1614265330L;
    static final String SPEC_BODY = "{\"test\": 2432232314}";
    static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheSpecificationsTestVectorExactly() {
        assertThat(WebhookSigner.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void signsOncePerSecretSeparatedBySpaces() {
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);

        String header = WebhookSigner.signature(
                List.of(SPEC_SECRET, other), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(header.split(" ")).hasSize(2).startsWith(SPEC_SIGNATURE);
        assertThat(header.split(" ")[1]).startsWith("v1,").isNotEqualTo(SPEC_SIGNATURE);
    }
}
