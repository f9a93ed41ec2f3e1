package dev.mailroom.server.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the suppression routes answer. */
final class SuppressionsViews {
    private SuppressionsViews() {}

    /**
     * One entry of an organization's list.
     *
     * @param email           the normalized address
     * @param reason          why it is listed ({@code hard-bounce}, {@code complaint}, {@code unsubscribe},
     *                        {@code soft-bounces}, {@code provider}, {@code manual})
     * @param note            the administrator's note, if one was given
     * @param createdAt       when it was listed
     * @param createdBy       who listed it by hand (a key's prefix, a person's email); null when Mailroom did
     * @param sourceMessageId the email whose event listed it; null when listed by hand
     * @param details         what caused it (provider, provider event, bounce reply, note...)
     */
    record Suppression(
            String email,
            String reason,
            String note,
            Instant createdAt,
            String createdBy,
            UUID sourceMessageId,
            Map<String, Object> details) {}

    record SuppressionPage(List<Suppression> items, String nextCursor) {}

    /** A row of an import that was not imported: its number (the header is row 1), its address and why. */
    record InvalidRow(int line, String email, String error) {}

    /**
     * What an import did.
     *
     * @param imported      rows whose address this import put on the list
     * @param alreadyListed valid rows whose address was on the list already (or came earlier in the file)
     * @param invalid       rows not imported, each with its reason
     */
    record ImportResult(int imported, int alreadyListed, List<InvalidRow> invalid) {}
}
