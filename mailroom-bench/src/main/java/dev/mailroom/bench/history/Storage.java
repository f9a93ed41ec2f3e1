package dev.mailroom.bench.history;

import dev.mailroom.bench.cluster.Database;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What the history costs on disk, per table ({@code pg_total_relation_size} and its parts) and in all. */
final class Storage {
    private Storage() {}

    /**
     * One table.
     *
     * @param tableBytes heap, TOAST, free space and visibility maps ({@code pg_table_size})
     * @param indexBytes every index of it ({@code pg_indexes_size})
     * @param totalBytes both ({@code pg_total_relation_size})
     */
    record Table(String name, long rows, long tableBytes, long indexBytes, long totalBytes) {}

    record Sizes(List<Table> tables, long databaseBytes, String postgresVersion, List<String> settings) {
        long totalBytes() {
            return tables.stream().mapToLong(Table::totalBytes).sum();
        }

        long tableBytes() {
            return tables.stream().mapToLong(Table::tableBytes).sum();
        }

        long indexBytes() {
            return tables.stream().mapToLong(Table::indexBytes).sum();
        }
    }

    /** @param rows each table's row count, as the caller knows it exactly */
    static Sizes measure(Database db, List<String> tables, java.util.Map<String, Long> rows) throws SQLException {
        List<Table> result = new ArrayList<>();
        try (Connection c = db.connect()) {
            Array names = c.createArrayOf("text", tables.toArray());
            try (PreparedStatement s =
                    c.prepareStatement("SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid),"
                            + " pg_total_relation_size(c.oid) FROM pg_class c"
                            + " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
                            + " AND c.relname = ANY (?)")) {
                s.setArray(1, names);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String name = rs.getString(1);
                        result.add(new Table(
                                name, rows.getOrDefault(name, -1L), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                    }
                }
            }
            result.sort(java.util.Comparator.comparingInt(t -> tables.indexOf(t.name())));
            long database;
            String version;
            List<String> settings = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT pg_database_size(current_database()), current_setting('server_version')")) {
                rs.next();
                database = rs.getLong(1);
                version = rs.getString(2);
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT name, setting, unit FROM pg_settings WHERE name IN"
                            + " ('shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit',"
                            + " 'max_parallel_workers_per_gather') ORDER BY name")) {
                while (rs.next()) {
                    String unit = rs.getString(3);
                    settings.add(rs.getString(1) + " = " + rs.getString(2) + (unit == null ? "" : " × " + unit));
                }
            }
            return new Sizes(result, database, version, settings);
        }
    }
}
