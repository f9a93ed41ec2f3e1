package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.SuppressionDecision;
import dev.mailroom.contracts.SuppressionRequest;
import dev.mailroom.server.support.EndToEndTest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The operator's side of an administrator's change of a suppression list, on the real database. */
@EndToEndTest
class SuppressionRequestsTest {
    @Autowired
    SuppressionRequests requests;

    @Autowired
    JdbcTemplate jdbc;

    private final String tag = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void anAddIsRecordedAsAskedAndARedeliveredOneChangesNothingMore() {
        SuppressionRequest request = request(
                SuppressionRequest.ADD,
                Instant.now().plusSeconds(30),
                new SuppressionRequest.Entry("Op-" + tag + "@Example.org", null, "by hand"),
                new SuppressionRequest.Entry("op2-" + tag + "@example.org", "complaint", null));

        SuppressionDecision first = requests.decide(SuppressionRequests.validated(request));
        SuppressionDecision again = requests.decide(request);

        assertThat(first.outcome()).isEqualTo(SuppressionDecision.DONE);
        assertThat(first.added()).containsExactly("op-" + tag + "@example.org", "op2-" + tag + "@example.org");
        assertThat(again.outcome()).isEqualTo(SuppressionDecision.DONE);
        assertThat(again.added()).isEmpty();
        assertThat(jdbc.queryForList(
                        "SELECT reason, created_by, details FROM suppressions WHERE email = ?",
                        "op-" + tag + "@example.org"))
                .singleElement()
                .satisfies(row -> {
                    assertThat(row.get("reason")).isEqualTo("manual");
                    assertThat(row.get("created_by")).isEqualTo("tester");
                    assertThat((String) row.get("details")).contains("\"note\"").contains("by hand");
                });
        assertThat(jdbc.queryForObject(
                        "SELECT reason FROM suppressions WHERE email = ?", String.class, "op2-" + tag + "@example.org"))
                .isEqualTo("complaint");

        SuppressionDecision removed = requests.decide(request(
                SuppressionRequest.REMOVE,
                Instant.now().plusSeconds(30),
                new SuppressionRequest.Entry("OP-" + tag + "@example.org", null, null),
                new SuppressionRequest.Entry("never-" + tag + "@example.org", null, null)));

        assertThat(removed.removed()).containsExactly("op-" + tag + "@example.org");
    }

    @Test
    void anExpiredRequestIsNotCarriedOut() {
        SuppressionDecision decision = requests.decide(request(
                SuppressionRequest.ADD,
                Instant.now().minusMillis(1),
                new SuppressionRequest.Entry("late-" + tag + "@example.org", null, null)));

        assertThat(decision.outcome()).isEqualTo(SuppressionDecision.EXPIRED);
        assertThat(decision.added()).isEmpty();
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM suppressions WHERE email = ?",
                        Integer.class,
                        "late-" + tag + "@example.org"))
                .isZero();
    }

    @Test
    void aRequestTheApiWouldNeverSendIsPoison() {
        Instant later = Instant.now().plusSeconds(30);
        SuppressionRequest.Entry ok = new SuppressionRequest.Entry("ok-" + tag + "@example.org", null, null);

        assertThatThrownBy(() -> SuppressionRequests.validated(request("purge", later, ok)))
                .isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> SuppressionRequests.validated(
                        request(SuppressionRequest.ADD, later, new SuppressionRequest.Entry("nope", null, null))))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("entries[0].email");
        assertThatThrownBy(() -> SuppressionRequests.validated(
                        request(SuppressionRequest.ADD, later, new SuppressionRequest.Entry(ok.email(), "spam", null))))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> SuppressionRequests.validated(request(
                        SuppressionRequest.ADD,
                        later,
                        Collections.nCopies(SuppressionRequest.MAX_ENTRIES + 1, ok)
                                .toArray(SuppressionRequest.Entry[]::new))))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("at most");
    }

    @Test
    void theContractNamesExactlyTheReasonsTheListStores() {
        assertThat(SuppressionRequest.REASONS)
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(SuppressionList.Reason.values())
                        .map(SuppressionList.Reason::code)
                        .toList());
    }

    private static SuppressionRequest request(String action, Instant expiresAt, SuppressionRequest.Entry... entries) {
        return new SuppressionRequest(
                UUID.randomUUID(), "default", action, List.of(entries), "tester", Instant.now(), expiresAt);
    }
}
