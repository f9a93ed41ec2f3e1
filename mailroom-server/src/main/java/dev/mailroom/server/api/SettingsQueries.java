package dev.mailroom.server.api;

import dev.mailroom.contracts.SettingNames;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Read-only queries on the run-time settings; the operator alone writes them (through the control queue). */
@Repository
@ConditionalOnRole(Role.API)
class SettingsQueries {
    private final JdbcTemplate jdbc;

    SettingsQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The default provider an administrator stored; empty while none was (the configured one applies). */
    Optional<String> storedDefaultProvider() {
        return stored(SettingNames.DEFAULT_PROVIDER);
    }

    /** The failover order an administrator stored (possibly none); empty while none was (the configured one applies). */
    Optional<List<String>> storedFailover() {
        return stored(SettingNames.FAILOVER).map(SettingNames::failoverProviders);
    }

    private Optional<String> stored(String name) {
        List<String> stored =
                jdbc.queryForList("SELECT setting_value FROM settings WHERE name = ?", String.class, name);
        return stored.stream().findFirst();
    }
}
