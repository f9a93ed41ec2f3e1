package dev.mailroom.server.providers.mailgun;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailgunReplayGuardTest {
    private static final byte[] BODY = {1, 2, 3};
    private static final byte[] OTHER_BODY = {1, 2, 4};

    @Test
    void aTokenIsAdmittedOnceWithAnotherBodyButAgainWithTheSameBody() {
        MailgunReplayGuard guard = new MailgunReplayGuard(10);

        assertThat(guard.admit("t1", BODY, 1300, 1000)).isTrue();
        assertThat(guard.admit("t1", BODY, 1300, 1010))
                .as("a retry of the same call")
                .isTrue();
        assertThat(guard.admit("t1", OTHER_BODY, 1300, 1020))
                .as("the signature reused for another event")
                .isFalse();
    }

    @Test
    void tokensAreForgottenOnceTheirTimestampIsStale() {
        MailgunReplayGuard guard = new MailgunReplayGuard(10);
        guard.admit("t1", BODY, 1300, 1000);
        guard.admit("t2", BODY, 1400, 1100);

        guard.admit("t3", BODY, 1700, 1301);

        assertThat(guard.size()).isEqualTo(2);
    }

    @Test
    void theMemoryIsBounded() {
        MailgunReplayGuard guard = new MailgunReplayGuard(3);
        for (int i = 0; i < 10; i++) {
            guard.admit("t" + i, BODY, 2000, 1000);
        }

        assertThat(guard.size()).isEqualTo(3);
        assertThat(guard.admit("t9", OTHER_BODY, 2000, 1000)).isFalse();
    }
}
