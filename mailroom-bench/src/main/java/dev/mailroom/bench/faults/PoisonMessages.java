package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.LedgerQueries;
import dev.mailroom.bench.cluster.RabbitMqNode;
import dev.mailroom.bench.submit.AmqpSubmitter;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MailboxProof;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Scenario 6: poison messages published straight onto each of the three queues while ordinary
 * emails flow — unparseable bodies, wrong or missing types, wrong field types, missing fields,
 * and valid JSON that the database refuses (a value longer than its column). Each must be
 * dead-lettered (a row in {@code dead_letters}, or the broker's {@code <queue>.dlq} after the delivery
 * limit, which the operator then moves into {@code dead_letters} too), and nothing else may be:
 * the ordinary emails must all arrive, and no ordinary message may be dead-lettered beside a
 * poison one (in a .dlq or in {@code dead_letters}).
 */
final class PoisonMessages extends FaultScenario {
    private static final Duration BEFORE_POISON = Duration.ofSeconds(10);
    private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(90);

    /** One poison message: where it goes, with which AMQP type (null: none) and body. */
    record Poison(String queue, String type, String messageId, byte[] body, String what) {}

    PoisonMessages() {
        super(6, "poison-messages", "poison messages on every queue", 1_000);
    }

    @Override
    void run(ScenarioRun run, int messages) throws Exception {
        run.startCluster(healthyProvider(), List.of());
        // As fast as the broker confirms: the poison lands among a backlog, in full batches.
        run.submit(messages, 0);
        long deadline = System.nanoTime() + BEFORE_POISON.toNanos();
        while (run.submitter.confirmedCount() < messages * 3 / 10 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        List<Poison> poisons = poisons(run.tag);
        RabbitMqNode rabbit = run.suite.rabbit();
        for (Poison p : poisons) {
            rabbit.publish(p.queue(), p.type(), p.messageId(), p.body(), proof(p, run.apiKey));
        }
        run.log(
                "published %d poison messages: %s",
                poisons.size(),
                poisons.stream()
                        .collect(Collectors.groupingBy(Poison::queue, LinkedHashMap::new, Collectors.counting())));
        long poisonedAt = System.nanoTime();

        int deadLetteredInTime = awaitDeadLettered(run, poisons).size();
        run.log(
                "%d of %d poison messages dead-lettered after %.1f s",
                deadLetteredInTime, poisons.size(), ScenarioRun.seconds(poisonedAt));
        run.submitter.awaitFinished(Duration.ofMinutes(2));
        long faultEnd = System.nanoTime();

        run.drainAndRecordLedger(faultEnd);

        // Dead-lettering again after the drain: late ones count too. Anything else dead-lettered since the start,
        // in a .dlq or (moved there by the operator) in dead_letters, is collateral damage.
        Map<String, String> fates = fates(run, poisons);
        Set<String> poisonIds = poisons.stream().map(Poison::messageId).collect(Collectors.toSet());
        Map<String, Integer> collateral = new LinkedHashMap<>();
        for (String dlq : ScenarioRun.DEAD_LETTER_QUEUES) {
            int others = 0;
            for (RabbitMqNode.Peeked m : rabbit.peek(dlq, 50_000)) {
                if (!poisonIds.contains(m.messageId())) {
                    others++;
                }
            }
            if (others > 0) {
                collateral.put(dlq, others);
            }
        }
        try (Connection db = run.suite.infrastructure().database().connect()) {
            for (LedgerQueries.DeadLetter d : LedgerQueries.deadLettersSince(db, run.startedAt)) {
                if (!poisonIds.contains(d.messageId())) {
                    collateral.merge("dead_letters (" + d.queue() + ": " + d.reason() + ")", 1, Integer::sum);
                }
            }
        }
        for (Poison p : poisons) {
            run.result.note(
                    "poison on %s, %s: %s",
                    p.queue(), p.what(), fates.getOrDefault(p.messageId(), "NOT DEAD-LETTERED"));
        }
        List<String> notDeadLettered = poisons.stream()
                .filter(p -> !fates.containsKey(p.messageId()))
                .map(p -> p.queue() + ": " + p.what())
                .toList();
        run.result.check(
                notDeadLettered.isEmpty(),
                notDeadLettered.size() + " poison messages not dead-lettered within " + DEAD_LETTER_TIMEOUT.toSeconds()
                        + " s: " + notDeadLettered);
        run.result.check(collateral.isEmpty(), "ordinary messages dead-lettered beside the poison: " + collateral);
        Map<String, Long> work = run.depths(ScenarioRun.WORK_QUEUES);
        run.result.check(work.values().stream().allMatch(d -> d == 0), "work queues not empty at the end: " + work);
    }

    /**
     * A mailbox poison is signed with the Mailroom's key, as an application's message would be, so that it is
     * refused for what makes it poison rather than for a missing proof; one without a type or id cannot be
     * signed and is refused for that.
     */
    static Map<String, String> proof(Poison p, String apiKey) {
        if (!QueueNames.MAILBOX.equals(p.queue()) || p.type() == null || p.messageId() == null) {
            return Map.of();
        }
        return MailboxProof.headers(apiKey, p.messageId(), p.type(), p.body());
    }

    /** Waits until every poison is dead-lettered somewhere, or the timeout. */
    private static Map<String, String> awaitDeadLettered(ScenarioRun run, List<Poison> poisons) throws Exception {
        long deadline = System.nanoTime() + DEAD_LETTER_TIMEOUT.toNanos();
        Map<String, String> fates = Map.of();
        while (System.nanoTime() < deadline) {
            fates = fates(run, poisons);
            if (fates.size() == poisons.size()) {
                break;
            }
            Thread.sleep(1000);
        }
        return fates;
    }

    /** Poison message id → where it is dead-lettered ({@code dead_letters} with the reason, and/or a .dlq). */
    private static Map<String, String> fates(ScenarioRun run, List<Poison> poisons) throws Exception {
        Map<String, String> fates = new LinkedHashMap<>();
        List<String> ids = poisons.stream().map(Poison::messageId).toList();
        try (Connection db = run.suite.infrastructure().database().connect();
                PreparedStatement st = db.prepareStatement(
                        "SELECT message_id, queue, reason FROM dead_letters WHERE message_id = ANY(?)")) {
            Array array = db.createArrayOf("varchar", ids.toArray());
            st.setArray(1, array);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String reason = rs.getString(3);
                    fates.put(
                            rs.getString(1),
                            "dead_letters (queue " + rs.getString(2) + "): "
                                    + (reason.length() > 120 ? reason.substring(0, 120) + "…" : reason));
                }
            }
        }
        for (String dlq : ScenarioRun.DEAD_LETTER_QUEUES) {
            for (RabbitMqNode.Peeked m : run.suite.rabbit().peek(dlq, 50_000)) {
                if (ids.contains(m.messageId())) {
                    Object count = m.headers().get("x-delivery-count");
                    fates.merge(
                            m.messageId(),
                            dlq + (count == null ? "" : " after " + count + " redeliveries"),
                            (a, b) -> a + "; and " + b);
                }
            }
        }
        return fates;
    }

    static List<Poison> poisons(String tag) {
        Email email = new Email(
                Address.of("faults@example.org"),
                List.of(Recipient.of("poison@example.org")),
                null,
                null,
                null,
                "Poison",
                "Poison",
                null,
                null,
                List.of(tag),
                null,
                null);
        byte[] validSubmit = ContractJson.write(AmqpSubmitter.submitMessage(UUID.randomUUID(), "default", email));
        byte[] validDispatch = ContractJson.write(new DispatchCommand(UUID.randomUUID(), "default", 1, null, email));
        byte[] validActivity = ContractJson.write(ActivityReport.event(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "p-1",
                "sendgrid",
                MessageStatus.DELIVERED,
                Instant.now(),
                "poison@example.org",
                "delivered",
                Map.of()));
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0x80, '{', '"'};
        List<Poison> all = new ArrayList<>();
        PoisonList mailbox = new PoisonList(all, QueueNames.MAILBOX, tag);
        mailbox.add(MessageTypes.SUBMIT_V1, "{this is not json", "unparseable JSON");
        mailbox.add(MessageTypes.SUBMIT_V1, garbage, "binary garbage");
        mailbox.add(MessageTypes.SUBMIT_V1, "", "empty body");
        mailbox.add("mailroom.mailbox.bogus.v9", "{}", "unknown type");
        mailbox.add(null, validSubmit, "a valid submission without a type");
        mailbox.add(MessageTypes.DISPATCH_V1, validDispatch, "a dispatch command (wrong type for the queue)");
        mailbox.add(
                MessageTypes.SUBMIT_V1,
                "{\"id\":\"not-a-uuid\",\"organizationId\":\"default\"}",
                "a field of the wrong type");
        mailbox.add(
                MessageTypes.SUBMIT_V1,
                "{\"id\":\"" + UUID.randomUUID() + "\",\"organizationId\":\"default\"}",
                "no email");
        mailbox.add(
                MessageTypes.SUBMIT_V1,
                ContractJson.write(AmqpSubmitter.submitMessage(UUID.randomUUID(), "o".repeat(100), email)),
                "valid JSON the database refuses (organizationId of 100 characters)");

        PoisonList dispatching = new PoisonList(all, QueueNames.DISPATCHING, tag);
        dispatching.add(MessageTypes.DISPATCH_V1, "{this is not json", "unparseable JSON");
        dispatching.add(MessageTypes.DISPATCH_V1, garbage, "binary garbage");
        dispatching.add(null, "", "no type, empty body");
        dispatching.add(MessageTypes.ACTIVITY_V1, validActivity, "an activity report (wrong type for the queue)");
        dispatching.add(MessageTypes.DISPATCH_V1, "{\"messageId\":null,\"attempt\":1}", "no message id, no email");
        dispatching.add(
                MessageTypes.DISPATCH_V1,
                "{\"messageId\":\"" + UUID.randomUUID() + "\",\"attempt\":\"first\"}",
                "a field of the wrong type");

        PoisonList tracking = new PoisonList(all, QueueNames.TRACKING, tag);
        tracking.add(MessageTypes.ACTIVITY_V1, "{this is not json", "unparseable JSON");
        tracking.add(MessageTypes.ACTIVITY_V1, garbage, "binary garbage");
        tracking.add(MessageTypes.SUBMIT_V1, validSubmit, "a submission (wrong type for the queue)");
        tracking.add(null, "[]", "no type, a JSON array");
        tracking.add(MessageTypes.ACTIVITY_V1, "{\"id\":null,\"status\":\"DELIVERED\"}", "no id");
        tracking.add(
                MessageTypes.ACTIVITY_V1,
                "{\"id\":\"" + UUID.randomUUID() + "\",\"status\":\"NOT_A_STATUS\"}",
                "an unknown status");
        tracking.add(
                MessageTypes.ACTIVITY_V1,
                ContractJson.write(ActivityReport.event(
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        "p-2",
                        "sendgrid",
                        MessageStatus.DELIVERED,
                        Instant.now(),
                        "poison@example.org",
                        "e".repeat(100),
                        Map.of())),
                "valid JSON the database refuses (provider event of 100 characters)");
        return all;
    }

    /** Adds poisons for one queue, each with its own message id (by which it is found again). */
    private record PoisonList(List<Poison> all, String queue, String tag) {
        void add(String type, String body, String what) {
            add(type, body.getBytes(StandardCharsets.UTF_8), what);
        }

        void add(String type, byte[] body, String what) {
            String shortQueue = queue.substring(queue.indexOf('.') + 1);
            all.add(new Poison(queue, type, "poison-" + tag + "-" + shortQueue + "-" + (all.size() + 1), body, what));
        }
    }
}
