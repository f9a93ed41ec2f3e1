package dev.mailroom.server.operator;

import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SubmitMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Keeps the member list's read model ({@code members}, {@code member_search_terms}) as emails are stored: the
 * members an email names get its time as their newest, and its addresses and names, and their ids, become their
 * search terms.
 * Idempotent, and written in one order (organization, member) in every transaction, so two batches that name the
 * same members wait for each other instead of deadlocking. No counts are kept: a redelivered submission can only
 * move a member's newest time to the redelivery's, never count an email twice.
 */
final class MemberReadModel {
    private static final int MAX_TERM = 320;

    private final JdbcTemplate jdbc;

    MemberReadModel(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the members of emails stored at {@code now} (their {@code created_at}). */
    void emailsStored(List<SubmitMessage> submissions, Instant now) {
        TreeMap<Key, Instant> newest = new TreeMap<>();
        TreeSet<Term> terms = new TreeSet<>();
        for (SubmitMessage s : submissions) {
            for (Recipient r : s.email().allRecipients()) {
                if (r.memberId() == null) {
                    continue;
                }
                Key member = new Key(s.organizationId(), r.memberId());
                newest.put(member, now);
                // The id is a term too, so that one index answers a search for a part of any of them (V23).
                terms.add(new Term(member, term(r.memberId())));
                terms.add(new Term(member, term(r.email())));
                if (r.name() != null && !r.name().isBlank()) {
                    terms.add(new Term(member, term(r.name())));
                }
            }
        }
        if (newest.isEmpty()) {
            return;
        }
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> raises = new ArrayList<>();
        newest.forEach((member, at) -> {
            inserts.add(new Object[] {member.organizationId(), member.memberId(), Timestamps.of(at)});
            raises.add(new Object[] {Timestamps.of(at), member.organizationId(), member.memberId(), Timestamps.of(at)});
        });
        String insert = "INSERT INTO members (organization_id, member_id, last_message_at) VALUES (?,?,?)"
                + " ON CONFLICT DO NOTHING";
        int[] inserted = jdbc.batchUpdate(insert, inserts);
        int[] raised = jdbc.batchUpdate(
                "UPDATE members SET last_message_at = ? WHERE organization_id = ? AND member_id = ?"
                        + " AND last_message_at < ?",
                raises);
        // A member row neither inserted nor raised was there already, newer, or deleted in between by retention (its
        // newest email was past the organization's history): written again if absent, so that a member with a new
        // email is never missing. A driver may answer SUCCESS_NO_INFO (-2) for an insert: then it is tried again too.
        List<Object[]> again = new ArrayList<>();
        for (int i = 0; i < inserts.size(); i++) {
            if (inserted[i] != 1 && raised[i] == 0) {
                again.add(inserts.get(i));
            }
        }
        if (!again.isEmpty()) {
            jdbc.batchUpdate(insert, again);
        }
        // The terms after the members: a retention run that deleted a member (and its terms, in one transaction) did
        // so before the raise above, which waited for it; these are then written afresh.
        jdbc.batchUpdate(
                "INSERT INTO member_search_terms (organization_id, member_id, term) VALUES (?,?,?)"
                        + " ON CONFLICT DO NOTHING",
                terms.stream()
                        .map(t -> new Object[] {
                            t.member().organizationId(), t.member().memberId(), t.text()
                        })
                        .toList());
    }

    /**
     * In lower case, as searches are; cut to the column's length, which lower case can exceed (one 'İ' is two
     * characters in lower case): a term too long to store must not keep its email from being stored.
     */
    static String term(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.length() <= MAX_TERM) {
            return lower;
        }
        int end = Character.isHighSurrogate(lower.charAt(MAX_TERM - 1)) ? MAX_TERM - 1 : MAX_TERM;
        return lower.substring(0, end);
    }

    private record Key(String organizationId, String memberId) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byOrganization = organizationId.compareTo(other.organizationId);
            return byOrganization != 0 ? byOrganization : memberId.compareTo(other.memberId);
        }
    }

    private record Term(Key member, String text) implements Comparable<Term> {
        @Override
        public int compareTo(Term other) {
            int byMember = member.compareTo(other.member);
            return byMember != 0 ? byMember : text.compareTo(other.text);
        }
    }
}
