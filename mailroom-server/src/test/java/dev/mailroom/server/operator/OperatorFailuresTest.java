package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

class OperatorFailuresTest {

    @Test
    void aDatabaseOutageIsWaitedOutWithoutGivingTheBatchBack() {
        AtomicInteger runs = new AtomicInteger();

        OperatorFailures.pauseOnFailure(() -> {
            if (runs.incrementAndGet() == 1) {
                throw new CannotGetJdbcConnectionException("Connection refused");
            }
            if (runs.get() == 2) {
                throw new CannotCreateTransactionException("Could not open JDBC Connection");
            }
        });

        assertThat(runs).hasValue(3);
    }

    @Test
    void anyOtherFailureReturnsTheBatchAfterOneTry() {
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> OperatorFailures.pauseOnFailure(() -> {
                    runs.incrementAndGet();
                    throw new DataIntegrityViolationException("value too long");
                }))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aWrappedConnectionFailureCountsAsTheDatabaseBeingAway() {
        assertThat(OperatorFailures.isDatabaseAway(
                        new IllegalStateException(new CannotGetJdbcConnectionException("down"))))
                .isTrue();
        assertThat(OperatorFailures.isDatabaseAway(new IllegalStateException("bug")))
                .isFalse();
    }

    @Test
    void aCommitOnAConnectionClosedUnderItIsTheDatabaseBeingAwayButARefusedValueIsNot() {
        // What scenario 4 of the fault suite met while PostgreSQL was stopped (Hikari's closed connection, SQLState
        // 08003).
        assertThat(OperatorFailures.isDatabaseAway(new org.springframework.transaction.TransactionSystemException(
                        "JDBC commit failed", new java.sql.SQLException("Connection is closed", "08003"))))
                .isTrue();
        assertThat(OperatorFailures.isDatabaseAway(new org.springframework.transaction.TransactionSystemException(
                        "JDBC commit failed", new java.sql.SQLException("Connection is closed"))))
                .isTrue();
        assertThat(OperatorFailures.isDatabaseAway(new IllegalStateException(new java.sql.SQLException(
                        "terminating connection due to" + " administrator command", "57P01"))))
                .isTrue();
        assertThat(OperatorFailures.isDatabaseAway(new org.springframework.transaction.TransactionSystemException(
                        "JDBC commit failed", new java.sql.SQLException("duplicate key", "23505"))))
                .isFalse();
        assertThat(OperatorFailures.isDatabaseAway(new DataIntegrityViolationException(
                        "too long", new java.sql.SQLException("value too long", "22001"))))
                .isFalse();
    }
}
