package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.EndToEndTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Mailroom's migrations come from {@code db/migration} and from its database's own folder ({@code db/vendor/{vendor}}):
 * on PostgreSQL the storage tuning of V18 and the trigram index of V24 are in place, on H2 their empty twins count
 * the same versions; both have their own backfill of the overview's counts (V21.1).
 */
@EndToEndTest
class VendorMigrationsTest {
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theDatabasesOwnMigrationsAreAppliedBesideThePortableOnes() {
        assertThat(jdbc.queryForList(
                        "SELECT script FROM \"flyway_schema_history\" WHERE \"version\" = '18' AND \"success\"",
                        String.class))
                .singleElement()
                .asString()
                .startsWith("V18__hot_status_updates");
        // The overview's backfill (V21.1) is each database's own too: the UTC day is spelled differently.
        assertThat(jdbc.queryForList(
                        "SELECT script FROM \"flyway_schema_history\" WHERE \"version\" = '21.1' AND \"success\"",
                        String.class))
                .singleElement()
                .asString()
                .startsWith("V21_1__overview_rollup_backfill");
        String product = jdbc.execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName());
        if ("PostgreSQL".equals(product)) {
            assertThat(jdbc.queryForList(
                            "SELECT indexdef FROM pg_indexes WHERE tablename = 'activities'"
                                    + " AND indexname LIKE 'activities_%provider_message_id'",
                            String.class))
                    .singleElement()
                    .asString()
                    .endsWith("WHERE (message_id IS NULL)");
            List<String> options = jdbc.queryForList(
                    "SELECT unnest(reloptions) FROM pg_class WHERE relname = 'messages'", String.class);
            assertThat(options).contains("fillfactor=70");
            assertThat(jdbc.queryForList(
                            "SELECT indexdef FROM pg_indexes WHERE tablename = 'member_search_terms'"
                                    + " AND indexname = 'member_search_terms_by_trigram'",
                            String.class))
                    .singleElement()
                    .asString()
                    .contains("gin_trgm_ops");
        }
    }
}
