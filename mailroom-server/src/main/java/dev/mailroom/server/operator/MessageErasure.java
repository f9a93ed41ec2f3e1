package dev.mailroom.server.operator;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.ErasedData;
import dev.mailroom.server.Role;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Erases an address from an organization's emails, a batch of messages at a time (the batch's transaction is the
 * caller's). What an email keeps: its row, status and times, every recipient row with its status (the erased one as
 * {@link ErasureRequest#ERASED_ADDRESS}, nameless, and still its member's when the member has another address), every
 * activity with its status and time: so the organization's figures and its members' statuses count it as before.
 * What goes: the address and the name given with it everywhere in the email; and when the erased person was its only
 * recipient, its subject and content too (an email to one person is about that person), its idempotency key, and the
 * details of every activity (IP addresses, user agents, links, bounce replies: {@link ErasedData#details}).
 */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class MessageErasure {
    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;

    MessageErasure(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
    }

    /**
     * The organization's emails that still have the address as a recipient, in any spelling, and those recipients'
     * member ids.
     *
     * @param messageIds up to the limit asked for
     * @param memberIds  the member ids of those recipients
     */
    record Candidates(List<UUID> messageIds, Set<String> memberIds) {}

    /**
     * Up to {@code limit} of the emails still to erase. A read without locks. Addresses are stored as given, and no
     * index serves a case-insensitive match portably (H2 has no expression indexes): this reads the organization's
     * recipients once per call (measured on PostgreSQL here: 0.45 s for 300,000), which is why callers take many at a
     * time and erase them in smaller transactions, and why the member read model takes its members from the first
     * call rather than reading them again.
     */
    Candidates candidates(String organizationId, String address, int limit) {
        Set<UUID> messages = new java.util.LinkedHashSet<>();
        Set<String> members = new HashSet<>();
        jdbc.query(
                "SELECT DISTINCT r.message_id, r.member_id FROM message_recipients r JOIN messages m"
                        + " ON m.id = r.message_id WHERE m.organization_id = ? AND LOWER(TRIM(r.email)) = ? LIMIT ?",
                rs -> {
                    messages.add(rs.getObject("message_id", UUID.class));
                    String member = rs.getString("member_id");
                    if (member != null) {
                        members.add(member);
                    }
                },
                organizationId,
                Address.normalize(address),
                limit);
        return new Candidates(List.copyOf(messages), members);
    }

    private record Recipient(int position, String email, String name, String memberId) {}

    private record Email(
            UUID id,
            String subject,
            String provider,
            String providerMessageId,
            List<Recipient> recipients,
            ErasedData data,
            boolean erasedOnly) {}

    /**
     * Erases the address from these emails of the organization (others' are left alone), locking their rows in id
     * order as every writer of several messages does. Run in a transaction that holds the erasure's lock.
     *
     * @return rows changed per table
     */
    Map<String, Integer> erase(String organizationId, String address, List<UUID> ids) {
        Map<String, Integer> changed = new LinkedHashMap<>();
        ErasedData erasing = ErasedData.of(address);
        Map<UUID, Email> emails = lock(organizationId, ids, erasing);
        if (emails.isEmpty()) {
            return changed;
        }
        Set<String> membersKept = membersWithOtherAddresses(organizationId, emails.values(), erasing);
        changed.put("message_recipients", recipients(emails.values(), membersKept));
        changed.put("messages", messages(emails.values()));
        changed.put("message_contents", contents(emails));
        changed.put("message_tags", tags(emails));
        changed.put("activities", activities(emails));
        List<UUID> erasedOnly = emails.values().stream()
                .filter(Email::erasedOnly)
                .map(Email::id)
                .toList();
        changed.put(
                "idempotency_keys",
                erasedOnly.isEmpty()
                        ? 0
                        : named.update(
                                "DELETE FROM idempotency_keys WHERE organization_id = :org AND message_id IN (:ids)",
                                new MapSqlParameterSource("org", organizationId).addValue("ids", erasedOnly)));
        return changed;
    }

    /** Locks the organization's messages among {@code ids} and reads what erasing them needs. */
    private Map<UUID, Email> lock(String organizationId, List<UUID> ids, ErasedData erasing) {
        record Row(String subject, String provider, String providerMessageId) {}
        Map<UUID, Row> rows = new LinkedHashMap<>();
        named.query(
                "SELECT id, subject, provider, provider_message_id FROM messages WHERE id IN (:ids)"
                        + " AND organization_id = :org ORDER BY id FOR UPDATE",
                new MapSqlParameterSource("ids", ids).addValue("org", organizationId),
                rs -> {
                    rows.put(
                            rs.getObject("id", UUID.class),
                            new Row(
                                    rs.getString("subject"),
                                    rs.getString("provider"),
                                    rs.getString("provider_message_id")));
                });
        if (rows.isEmpty()) {
            return Map.of();
        }
        Map<UUID, List<Recipient>> recipients = new HashMap<>();
        named.query(
                "SELECT message_id, position, email, name, member_id FROM message_recipients WHERE message_id IN (:ids)"
                        + " ORDER BY message_id, position",
                new MapSqlParameterSource("ids", rows.keySet()),
                rs -> {
                    recipients
                            .computeIfAbsent(rs.getObject("message_id", UUID.class), k -> new ArrayList<>())
                            .add(new Recipient(
                                    rs.getInt("position"),
                                    rs.getString("email"),
                                    rs.getString("name"),
                                    rs.getString("member_id")));
                });
        Map<UUID, Email> emails = new LinkedHashMap<>();
        rows.forEach((id, row) -> {
            List<Recipient> all = recipients.getOrDefault(id, List.of());
            List<Recipient> erased =
                    all.stream().filter(r -> erasing.isErased(r.email())).toList();
            if (erased.isEmpty()) {
                // Erased already (by this erasure's earlier run, or another operator's).
                return;
            }
            boolean erasedOnly = all.stream()
                    .allMatch(r -> erasing.isErased(r.email())
                            || ErasureRequest.ERASED_ADDRESS.equals(Address.normalize(r.email())));
            List<String> names = erased.stream()
                    .map(Recipient::name)
                    .filter(Objects::nonNull)
                    .toList();
            emails.put(
                    id,
                    new Email(
                            id,
                            row.subject(),
                            row.provider(),
                            row.providerMessageId(),
                            all,
                            ErasedData.of(erasing.address(), names),
                            erasedOnly));
        });
        return emails;
    }

    /**
     * The members of these emails' erased recipients who have another address in the organization: they stay members
     * (their erased emails keep counting in their statuses); the others go with the address.
     */
    private Set<String> membersWithOtherAddresses(
            String organizationId, java.util.Collection<Email> emails, ErasedData erasing) {
        Set<String> members = new HashSet<>();
        emails.forEach(e -> e.recipients().stream()
                .filter(r -> r.memberId() != null && erasing.isErased(r.email()))
                .forEach(r -> members.add(r.memberId())));
        if (members.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(named.queryForList(
                "SELECT DISTINCT r.member_id FROM message_recipients r"
                        + " WHERE r.organization_id = :org AND r.member_id IN (:members)"
                        + " AND LOWER(TRIM(r.email)) NOT IN (:erased)",
                new MapSqlParameterSource("org", organizationId)
                        .addValue("members", members)
                        .addValue("erased", List.of(erasing.address(), ErasureRequest.ERASED_ADDRESS)),
                String.class));
    }

    private int recipients(java.util.Collection<Email> emails, Set<String> membersKept) {
        List<Object[]> rows = new ArrayList<>();
        for (Email e : emails) {
            for (Recipient r : e.recipients()) {
                if (e.data().isErased(r.email())) {
                    String member = r.memberId() != null && membersKept.contains(r.memberId()) ? r.memberId() : null;
                    rows.add(new Object[] {ErasureRequest.ERASED_ADDRESS, member, e.id(), r.position()});
                }
            }
        }
        return sum(jdbc.batchUpdate(
                "UPDATE message_recipients SET email = ?, name = NULL, member_id = ? WHERE message_id = ?"
                        + " AND position = ?",
                rows));
    }

    private int messages(java.util.Collection<Email> emails) {
        List<Object[]> rows = new ArrayList<>();
        for (Email e : emails) {
            int erased = (int) e.recipients().stream()
                    .filter(r -> e.data().isErased(r.email()))
                    .count();
            String subject =
                    e.erasedOnly() ? ErasureRequest.ERASED_TEXT : e.data().text(e.subject());
            rows.add(new Object[] {subject, erased, e.id()});
        }
        return sum(jdbc.batchUpdate(
                "UPDATE messages SET subject = ?, erased_recipients = erased_recipients + ? WHERE id = ?", rows));
    }

    private int contents(Map<UUID, Email> emails) {
        List<Object[]> rows = new ArrayList<>();
        named.query(
                "SELECT message_id, content FROM message_contents WHERE message_id IN (:ids)",
                new MapSqlParameterSource("ids", emails.keySet()),
                rs -> {
                    Email e = emails.get(rs.getObject("message_id", UUID.class));
                    String content = rs.getString("content");
                    String erased = e.erasedOnly() ? emptied(content) : e.data().json(content);
                    if (!Objects.equals(erased, content)) {
                        rows.add(new Object[] {erased, e.id()});
                    }
                });
        return sum(jdbc.batchUpdate("UPDATE message_contents SET content = ? WHERE message_id = ?", rows));
    }

    /**
     * The content of an email whose only recipient was erased: an email to the erased placeholder, which the
     * suppression check never sends (a scheduled or deferred one ends SUPPRESSED), from the same sender.
     */
    private static String emptied(String content) {
        Map<String, Object> email = new LinkedHashMap<>();
        try {
            Object from = ContractJson.read(content.getBytes(StandardCharsets.UTF_8), Map.class)
                    .get("from");
            if (from != null) {
                email.put("from", from);
            }
        } catch (RuntimeException e) {
            // Unreadable content has nothing worth keeping.
        }
        email.put("to", List.of(Map.of("email", ErasureRequest.ERASED_ADDRESS)));
        email.put("subject", ErasureRequest.ERASED_TEXT);
        email.put("text", ErasureRequest.ERASED_TEXT);
        return new String(ContractJson.write(email), StandardCharsets.UTF_8);
    }

    private int tags(Map<UUID, Email> emails) {
        List<Object[]> rows = new ArrayList<>();
        named.query(
                "SELECT message_id, tag FROM message_tags WHERE message_id IN (:ids)",
                new MapSqlParameterSource("ids", emails.keySet()),
                rs -> {
                    UUID id = rs.getObject("message_id", UUID.class);
                    String tag = rs.getString("tag");
                    if (emails.get(id).data().mentions(tag)) {
                        rows.add(new Object[] {id, tag});
                    }
                });
        return sum(jdbc.batchUpdate("DELETE FROM message_tags WHERE message_id = ? AND tag = ?", rows));
    }

    /**
     * The emails' activities, and the provider events about them still waiting unmatched (known by the provider's id
     * only): those of the erased recipient (all of an email whose only recipient it was) lose their recipient and
     * details; the others lose mentions of the address or name in their details.
     */
    private int activities(Map<UUID, Email> emails) {
        Map<String, Email> byProviderId = new HashMap<>();
        emails.values().stream()
                .filter(e -> e.providerMessageId() != null)
                .forEach(e -> byProviderId.put(MessageStore.providerKey(e.provider(), e.providerMessageId()), e));
        List<Object[]> rows = new ArrayList<>();
        named.query(
                "SELECT id, message_id, provider, provider_message_id, recipient, details FROM activities"
                        + " WHERE message_id IN (:ids)",
                new MapSqlParameterSource("ids", emails.keySet()),
                rs -> {
                    erased(emails.get(rs.getObject("message_id", UUID.class)), rs, rows);
                });
        if (!byProviderId.isEmpty()) {
            named.query(
                    "SELECT id, message_id, provider, provider_message_id, recipient, details FROM activities"
                            + " WHERE message_id IS NULL AND provider_message_id IN (:ids)",
                    new MapSqlParameterSource(
                            "ids",
                            emails.values().stream()
                                    .map(Email::providerMessageId)
                                    .filter(Objects::nonNull)
                                    .distinct()
                                    .toList()),
                    rs -> {
                        Email e = byProviderId.get(MessageStore.providerKey(
                                rs.getString("provider"), rs.getString("provider_message_id")));
                        if (e != null) {
                            erased(e, rs, rows);
                        }
                    });
        }
        return sum(jdbc.batchUpdate("UPDATE activities SET recipient = ?, details = ? WHERE id = ?", rows));
    }

    private static void erased(Email e, java.sql.ResultSet rs, List<Object[]> rows) throws java.sql.SQLException {
        String recipient = rs.getString("recipient");
        String details = rs.getString("details");
        String newRecipient = recipient;
        String newDetails;
        if (e.erasedOnly() || e.data().isErased(recipient)) {
            newRecipient = recipient == null ? null : ErasureRequest.ERASED_ADDRESS;
            newDetails = details == null ? null : erasedDetails(details);
        } else {
            newDetails = e.data().json(details);
        }
        if (!Objects.equals(recipient, newRecipient) || !Objects.equals(details, newDetails)) {
            rows.add(new Object[] {newRecipient, newDetails, rs.getObject("id", UUID.class)});
        }
    }

    @SuppressWarnings("unchecked")
    private static String erasedDetails(String json) {
        Map<String, Object> details;
        try {
            details = ContractJson.read(json.getBytes(StandardCharsets.UTF_8), Map.class);
        } catch (RuntimeException e) {
            return null;
        }
        Map<String, Object> kept = ErasedData.details(details);
        return kept.equals(details) ? json : new String(ContractJson.write(kept), StandardCharsets.UTF_8);
    }

    private static int sum(int[] counts) {
        int n = 0;
        for (int c : counts) {
            // A driver may answer SUCCESS_NO_INFO (-2) for a batched statement: one row each, by key.
            n += c == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(c, 0);
        }
        return n;
    }
}
