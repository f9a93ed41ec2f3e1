package dev.mailroom.server.operator;

import dev.mailroom.server.OutcomeStatuses;
import java.util.Collection;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Keeps {@code message_outcomes} (V25): a row for each email at one of {@link OutcomeStatuses}, the index a message
 * list filtered by such a status walks. Written from the messages' rows as they are when the transaction that changed
 * them commits ({@link OverviewRollup} collects which, as it sees every status change).
 */
final class MessageOutcomes {
    private static final String INSERT_CURRENT =
            "INSERT INTO message_outcomes (message_id, organization_id, status, created_at)"
                    + " SELECT m.id, m.organization_id, m.status, m.created_at FROM messages m"
                    + " WHERE m.id IN (:ids) AND m.status IN (:kept)"
                    + " AND NOT EXISTS (SELECT 1 FROM message_outcomes o WHERE o.message_id = m.id)";

    private final NamedParameterJdbcTemplate named;

    MessageOutcomes(JdbcTemplate jdbc) {
        this.named = new NamedParameterJdbcTemplate(jdbc);
    }

    /**
     * Messages whose status this transaction changed, their rows locked by it: their rows here are written again from
     * the status they have now.
     */
    void changed(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return;
        }
        MapSqlParameterSource params = params(ids);
        named.update("DELETE FROM message_outcomes WHERE message_id IN (:ids)", params);
        named.update(INSERT_CURRENT, params);
    }

    /**
     * Messages this transaction stored at a status of {@link OutcomeStatuses} (or, a redelivery, found stored): a row
     * for each that has none.
     */
    void stored(Collection<UUID> ids) {
        if (!ids.isEmpty()) {
            named.update(INSERT_CURRENT, params(ids));
        }
    }

    private static MapSqlParameterSource params(Collection<UUID> ids) {
        return new MapSqlParameterSource("ids", ids).addValue("kept", OutcomeStatuses.names());
    }
}
