package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The mailbox proof is wire format: clients in other languages compute it. The expected values are
 * written out (computed with Python's hashlib/hmac), not by the code under test.
 */
class MailboxProofTest {
    private static final String KEY = "mr_0123456789ab_golden-vector-key";
    private static final String MESSAGE_ID = "0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11";
    private static final String TYPE = "mailroom.mailbox.submit.v1";
    private static final byte[] BODY = "{\"organizationId\":null}".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v1=JYEknAr6X2k8Lx2yLxDtTtg4t4CUwr+87teOWBHsQ9Y=";

    @Test
    void theKeyIdIsTheHexSha256OfTheKeyUnderItsContext() {
        assertThat(MailboxProof.keyId(KEY))
                .isEqualTo("a114e421d0329deb1cf2892b1a01947f942a454906e06fa54126cbd7f05e200d");
    }

    @Test
    void theSigningKeyIsTheSha256OfTheKeyThatMailroomStoresAsItsHash() {
        assertThat(MailboxProof.signingKey(KEY))
                .isEqualTo(MailboxProof.signingKeyFromHash(
                        "3cfac46517a59ee3ddbeaf47dab6177e2235a5f0e2a0c52b4d4e77e1dcb0330a"));
    }

    @Test
    void aKnownMessageHasAKnownSignature() {
        assertThat(MailboxProof.signature(MailboxProof.signingKey(KEY), MESSAGE_ID, TYPE, BODY))
                .isEqualTo(SIGNATURE);
        assertThat(MailboxProof.headers(KEY, MESSAGE_ID, TYPE, BODY))
                .containsEntry(MailboxProof.KEY_ID_HEADER, MailboxProof.keyId(KEY))
                .containsEntry(MailboxProof.SIGNATURE_HEADER, SIGNATURE);
    }

    @Test
    void theSignatureVerifiesOnlyForTheSameKeyIdTypeAndBody() {
        byte[] key = MailboxProof.signingKey(KEY);

        assertThat(MailboxProof.verify(key, MESSAGE_ID, TYPE, BODY, SIGNATURE)).isTrue();
        assertThat(MailboxProof.verify(MailboxProof.signingKey(KEY + "x"), MESSAGE_ID, TYPE, BODY, SIGNATURE))
                .isFalse();
        assertThat(MailboxProof.verify(key, "another-id", TYPE, BODY, SIGNATURE))
                .isFalse();
        assertThat(MailboxProof.verify(key, MESSAGE_ID, "mailroom.mailbox.cancel.v1", BODY, SIGNATURE))
                .isFalse();
        assertThat(MailboxProof.verify(key, MESSAGE_ID, TYPE, "{\"organizationId\":\"x\"}".getBytes(), SIGNATURE))
                .isFalse();
    }

    @Test
    void aMalformedOrMissingSignatureIsFalseNotAnError() {
        byte[] key = MailboxProof.signingKey(KEY);

        assertThat(MailboxProof.verify(key, MESSAGE_ID, TYPE, BODY, null)).isFalse();
        assertThat(MailboxProof.verify(key, MESSAGE_ID, TYPE, BODY, SIGNATURE.replace("v1=", "v2=")))
                .isFalse();
        assertThat(MailboxProof.verify(key, MESSAGE_ID, TYPE, BODY, "v1=not base64!"))
                .isFalse();
        assertThat(MailboxProof.verify(key, MESSAGE_ID, TYPE, BODY, "v1=")).isFalse();
        assertThat(MailboxProof.verify(key, null, TYPE, BODY, SIGNATURE)).isFalse();
    }
}
