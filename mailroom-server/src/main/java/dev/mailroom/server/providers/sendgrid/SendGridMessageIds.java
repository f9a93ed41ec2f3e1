package dev.mailroom.server.providers.sendgrid;

/**
 * SendGrid names one send twice: the API answers {@code X-Message-Id: LRzXl_NHStOGhQ4kofSm_A},
 * and every event carries {@code sg_message_id: LRzXl_NHStOGhQ4kofSm_A.filterdrecv-...}, the
 * same id with a suffix per recipient. Both sides go through {@link #normalise} (the part before
 * the first '.') so that the id recorded at dispatch and the id in an event are the same string,
 * and an event known only by its {@code sg_message_id} finds its message.
 *
 * <p>Older SendGrid ids had dots of their own ({@code 14c5d75ce93.dfd.64b469}); cutting both
 * sides at the first dot still gives equal strings, only less unique ones. Events are matched by
 * {@code mailroom_id} first, so this fallback matters only for events without it.
 */
final class SendGridMessageIds {
    private SendGridMessageIds() {}

    /**
     * The part before the first '.' (the whole id when there is none), trimmed; null for a
     * missing or blank id.
     */
    static String normalise(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        String trimmed = id.trim();
        int dot = trimmed.indexOf('.');
        String prefix = dot < 0 ? trimmed : trimmed.substring(0, dot);
        return prefix.isEmpty() ? null : prefix;
    }

    /** The id inside an {@code smtp-id} such as {@code <14c5d75ce93.dfd.64b469@ismtpd-555>}, normalised. */
    static String fromSmtpId(String smtpId) {
        if (smtpId == null) {
            return null;
        }
        String s = smtpId.trim();
        if (s.startsWith("<")) {
            s = s.substring(1);
        }
        int at = s.indexOf('@');
        return normalise(at < 0 ? s : s.substring(0, at));
    }
}
