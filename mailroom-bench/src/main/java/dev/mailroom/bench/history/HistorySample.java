package dev.mailroom.bench.history;

import dev.mailroom.contracts.MessageStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * What the generator knows about one organization's history once it is written, for the readers to ask about: its
 * counts, and a uniform sample of its emails (reservoir sampling), each with its first recipient and member.
 */
final class HistorySample {
    /** One sampled email: its id, its first recipient's address and member id (null when none). */
    record Email(UUID id, String recipient, String memberId) {}

    final String organizationId;
    final String provider;
    final int capacity;
    final List<Email> emails = new ArrayList<>();
    final Map<MessageStatus, Long> statuses = new EnumMap<>(MessageStatus.class);
    final Map<String, Long> tags = new LinkedHashMap<>();
    /** The most common surname among the organization's members: a search term that finds many. */
    String commonSurname;

    long emailCount;
    long memberCount;
    Instant first;
    Instant last;
    private final SplittableRandom random;

    HistorySample(String organizationId, String provider, int capacity, long seed) {
        this.organizationId = organizationId;
        this.provider = provider;
        this.capacity = capacity;
        this.random = new SplittableRandom(seed);
    }

    void offer(Email email) {
        emailCount++;
        if (emails.size() < capacity) {
            emails.add(email);
        } else {
            long j = random.nextLong(emailCount);
            if (j < capacity) {
                emails.set((int) j, email);
            }
        }
    }

    void status(MessageStatus status) {
        statuses.merge(status, 1L, Long::sum);
    }

    void tag(String tag) {
        tags.merge(tag, 1L, Long::sum);
    }

    /** The status most emails of the organization ended at. */
    MessageStatus commonStatus() {
        return statuses.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(MessageStatus.DELIVERED);
    }

    /** The status fewest emails ended at (among those some did): a filter that walks far for each page. */
    MessageStatus rareStatus() {
        return statuses.entrySet().stream()
                .min(Map.Entry.<MessageStatus, Long>comparingByValue()
                        .thenComparing(e -> -e.getKey().precedence()))
                .map(Map.Entry::getKey)
                .orElse(MessageStatus.COMPLAINED);
    }

    String commonTag() {
        return tags.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse("none");
    }

    String rareTag() {
        return tags.entrySet().stream()
                .min(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .orElse("none");
    }

    /** The sampled emails that name a member. */
    List<Email> withMembers() {
        return emails.stream().filter(e -> e.memberId() != null).toList();
    }

    /** Statuses by how many emails ended at each, most first. */
    List<Map.Entry<MessageStatus, Long>> statusesByCount() {
        return statuses.entrySet().stream()
                .sorted(Map.Entry.<MessageStatus, Long>comparingByValue(Comparator.reverseOrder()))
                .toList();
    }
}
