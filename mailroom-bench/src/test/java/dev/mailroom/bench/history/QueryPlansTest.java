package dev.mailroom.bench.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The plans are read back from PostgreSQL's log as Debian's cluster writes it (stderr, log_line_prefix '%m [%p] %q%u@%d '). */
class QueryPlansTest {
    private static final String LOG = String.join(
            "\n",
            "2026-12-07 07:53:04.381 UTC [25233] mailroom@mailroom_history LOG:  duration: 0.011 ms  plan:",
            "\tQuery Text: SELECT 'mailroom-history-explain:MESSAGE:bench-1'",
            "\tResult  (cost=0.00..0.01 rows=1 width=32) (actual time=0.002..0.003 rows=1 loops=1)",
            "2026-12-07 07:53:04.556 UTC [25481] mailroom@mailroom_history LOG:  duration: 0.059 ms  plan:",
            "\tQuery Text: SELECT id FROM api_keys WHERE secret_hash = $1",
            "\tIndex Scan using api_keys_secret_hash_key on api_keys  (cost=0.14..8.16 rows=1 width=1356)",
            "\t  Buffers: shared hit=2",
            "2026-12-07 07:53:04.600 UTC [999] someone@another_db LOG:  duration: 99.000 ms  plan:",
            "\tQuery Text: SELECT pg_sleep(0.099)",
            "\tResult  (cost=0.00..0.01 rows=1 width=4)",
            "2026-12-07 07:53:05.361 UTC [25554] mailroom@mailroom_history LOG:  duration: 0.830 ms  plan:",
            "\tQuery Text: SELECT 'a' AS part, m.status FROM messages m WHERE m.id = $1",
            "\tSort  (cost=53.03..53.05 rows=7 width=1679) (actual time=0.793..0.797 rows=5 loops=1)",
            "\t  ->  Index Scan using messages_pkey on messages m  (cost=0.29..8.31 rows=1 width=180)",
            "2026-12-07 07:53:05.400 UTC [23982] LOG:  checkpoint starting: time",
            "2026-12-07 07:53:06.000 UTC [25233] mailroom@mailroom_history LOG:  duration: 0.010 ms  plan:",
            "\tQuery Text: SELECT 'mailroom-history-explain:MEMBERS:bench-10'",
            "\tResult  (cost=0.00..0.01 rows=1 width=32)",
            "2026-12-07 07:53:06.500 UTC [25554] mailroom@mailroom_history LOG:  duration: 310.400 ms  plan:",
            "\tQuery Text: SELECT r.member_id FROM message_recipients r GROUP BY r.member_id",
            "\tHashAggregate  (cost=1.00..2.00 rows=10 width=8) (actual time=300.0..310.0 rows=10 loops=1)",
            "");

    @Test
    void findsEachKindsSlowestStatementOfTheDatabaseBetweenTheMarkers() {
        List<QueryPlans.Plan> plans = QueryPlans.slowest(LOG, "mailroom_history");

        assertThat(plans)
                .extracting(QueryPlans.Plan::kind, QueryPlans.Plan::organizationId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(QueryKind.MESSAGE, "bench-1"),
                        org.assertj.core.groups.Tuple.tuple(QueryKind.MEMBERS, "bench-10"));
        QueryPlans.Plan message = plans.get(0);
        assertThat(message.millis()).isEqualTo(0.830);
        assertThat(message.statements()).isEqualTo(2);
        assertThat(message.query()).isEqualTo("SELECT 'a' AS part, m.status FROM messages m WHERE m.id = $1");
        assertThat(message.plan())
                .isEqualTo("Sort  (cost=53.03..53.05 rows=7 width=1679) (actual time=0.793..0.797 rows=5 loops=1)\n"
                        + "  ->  Index Scan using messages_pkey on messages m  (cost=0.29..8.31 rows=1 width=180)\n");
        assertThat(plans.get(1).millis()).isEqualTo(310.4);
    }

    @Test
    void readsEveryEntryWithItsProcessAndDatabase() {
        assertThat(QueryPlans.entries(LOG))
                .extracting(QueryPlans.Entry::pid, QueryPlans.Entry::database)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(25233L, "mailroom_history"),
                        org.assertj.core.groups.Tuple.tuple(25481L, "mailroom_history"),
                        org.assertj.core.groups.Tuple.tuple(999L, "another_db"),
                        org.assertj.core.groups.Tuple.tuple(25554L, "mailroom_history"),
                        org.assertj.core.groups.Tuple.tuple(25233L, "mailroom_history"),
                        org.assertj.core.groups.Tuple.tuple(25554L, "mailroom_history"));
    }
}
