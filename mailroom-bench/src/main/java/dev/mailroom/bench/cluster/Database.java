package dev.mailroom.bench.cluster;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * A database as Mailroom and the bench reach it: PostgreSQL, or an H2 file (Mailroom's embedded
 * database, read through its auto-server; the bench's own ceiling database).
 *
 * @param url {@code jdbc:postgresql://host:port/database[?params]} or {@code jdbc:h2:...}
 */
public record Database(String url, String user, String password) {

    /**
     * The H2 database a Mailroom with data directory {@code dataDir} creates, in the mode Mailroom
     * gives it. AUTO_SERVER lets the bench read it while Mailroom holds the file open.
     */
    public static Database embeddedH2(Path dataDir) {
        return new Database(
                "jdbc:h2:file:" + dataDir.resolve("db").resolve("mailroom").toAbsolutePath()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;AUTO_SERVER=TRUE",
                "sa",
                "");
    }

    public boolean postgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** The database name in a PostgreSQL URL ({@code jdbc:postgresql://host:port/NAME?...}). */
    public String name() {
        String afterHost = url.substring(url.indexOf("//") + 2);
        int slash = afterHost.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("no database in " + url);
        }
        String rest = afterHost.substring(slash + 1);
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }

    /** The same PostgreSQL server, another database. */
    public Database withName(String database) {
        int hostStart = url.indexOf("//");
        if (!postgres() || hostStart < 0) {
            throw new IllegalArgumentException("expected jdbc:postgresql://host:port/database, got " + url);
        }
        int slash = url.indexOf('/', hostStart + 2);
        if (slash < 0) {
            return new Database(url + "/" + database, user, password);
        }
        int query = url.indexOf('?', slash);
        return new Database(
                url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query)), user, password);
    }

    /** The arguments that point a Mailroom process at this database. */
    public List<String> mailroomArgs() {
        return List.of(
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + user,
                "--spring.datasource.password=" + password);
    }

    public String describe() {
        return postgres() ? "PostgreSQL " + url : "embedded H2";
    }
}
