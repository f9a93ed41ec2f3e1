package dev.mailroom.server.operator;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The operator's writes to the run-time settings; callers own the transactions. */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class SettingsStore {
    private final JdbcTemplate jdbc;

    SettingsStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a setting with the next version number; returns that version. */
    long saveSetting(String name, String value, Instant now) {
        Long current = jdbc.queryForObject("SELECT COALESCE(MAX(version), 0) FROM settings", Long.class);
        long version = (current == null ? 0 : current) + 1;
        int updated = jdbc.update(
                "UPDATE settings SET setting_value = ?, version = ?, updated_at = ? WHERE name = ?",
                value,
                version,
                Timestamps.of(now),
                name);
        if (updated == 0) {
            jdbc.update(
                    "INSERT INTO settings (name, setting_value, version, updated_at) VALUES (?,?,?,?)",
                    name,
                    value,
                    version,
                    Timestamps.of(now));
        }
        return version;
    }

    /** Every stored setting and the highest version, as one snapshot. */
    dev.mailroom.contracts.SettingsSnapshot readSettings(Instant now) {
        Map<String, String> values = new HashMap<>();
        long[] version = {0};
        jdbc.query("SELECT name, setting_value, version FROM settings", rs -> {
            values.put(rs.getString("name"), rs.getString("setting_value"));
            version[0] = Math.max(version[0], rs.getLong("version"));
        });
        return new dev.mailroom.contracts.SettingsSnapshot(version[0], values, now);
    }
}
