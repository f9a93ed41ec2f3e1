package dev.mailroom.bench.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Mailroom's database as the benchmark reads it: PostgreSQL, or the embedded H2 through its auto-server. */
record Database(String url, String user, String password) {

    boolean postgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** The PostgreSQL database name in the URL (jdbc:postgresql://host:port/NAME?...). */
    String name() {
        String rest = url.substring(url.indexOf("//") + 2);
        int slash = rest.indexOf('/');
        String name = slash < 0 ? "" : rest.substring(slash + 1);
        int q = name.indexOf('?');
        return q < 0 ? name : name.substring(0, q);
    }

    String describe() {
        return postgres() ? "PostgreSQL " + url : "embedded H2";
    }
}
