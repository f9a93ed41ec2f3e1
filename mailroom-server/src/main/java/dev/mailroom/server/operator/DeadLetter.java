package dev.mailroom.server.operator;

import dev.mailroom.contracts.MailboxProof;
import java.util.Map;
import java.util.UUID;

/**
 * A dead letter as stored: where it came from and its exact bytes, for a replay; a mailbox message's
 * proof headers (MailboxProof) when it had them, else null.
 */
record DeadLetter(
        UUID id, String queue, String type, String messageId, byte[] body, String proofKeyId, String proofSignature) {

    /** The headers a replay carries: the proof, when there was one. */
    Map<String, Object> replayHeaders() {
        return proofKeyId == null || proofSignature == null
                ? Map.of()
                : Map.of(MailboxProof.KEY_ID_HEADER, proofKeyId, MailboxProof.SIGNATURE_HEADER, proofSignature);
    }
}
