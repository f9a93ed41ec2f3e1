package dev.mailroom.bench.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * A run's emails in Mailroom's database: those from the run's sender address, and, on a database kept from before
 * ({@code --keep-database}, e.g. the history benchmark's ten million emails), of the run's own organizations too, so
 * that every count finds them by the organizations' index ({@code messages_by_org_and_time}) instead of reading every
 * email in the database.
 */
record RunEmails(String from, List<String> organizations) {
    RunEmails {
        organizations = List.copyOf(organizations);
    }

    /** The condition on the messages table under {@code alias}; its parameters are set by {@link #bind}. */
    String where(String alias) {
        return alias + ".from_email = ?"
                + (organizations.isEmpty() ? "" : " AND " + alias + ".organization_id = ANY (?)");
    }

    /** Sets the parameters of {@link #where}, the first of them at 1. */
    void bind(Connection c, PreparedStatement s) throws SQLException {
        s.setString(1, from);
        if (!organizations.isEmpty()) {
            s.setArray(2, c.createArrayOf("varchar", organizations.toArray()));
        }
    }
}
