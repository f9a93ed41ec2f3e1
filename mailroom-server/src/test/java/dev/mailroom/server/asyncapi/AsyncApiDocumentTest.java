package dev.mailroom.server.asyncapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.Envelope;
import dev.mailroom.contracts.MailboxProof;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.Notification;
import dev.mailroom.contracts.NotificationBatch;
import dev.mailroom.contracts.NotificationTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.messaging.BrokerTopology;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.boot.context.properties.bind.DefaultValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * docs/api/asyncapi.yaml says what the code does: its names are the contract's constants, its queue declaration is
 * the one Mailroom makes, its JSON schemas accept the golden queue messages and its own examples (and refuse what
 * Mailroom refuses), each schema names exactly the fields of its record, and its signing test vectors are what the
 * code computes.
 */
class AsyncApiDocumentTest {
    private static final AsyncApiDocument DOC = AsyncApiDocument.load();
    private static final Path GOLDEN = DOC.root().resolve("mailroom-contracts/src/test/resources/golden");
    private static final String SUBMIT = "/components/schemas/SubmitMessage";
    private static final String CANCEL = "/components/schemas/CancelMessage";

    @Test
    void itIsAnAsyncApi3DocumentWhoseOperationsUseItsChannels() {
        assertThat(DOC.at("/asyncapi").asString()).isEqualTo("3.0.0");
        DOC.at("/operations").properties().forEach(operation -> {
            JsonNode channel = DOC.resolve(operation.getValue().get("channel"));
            assertThat(channel.isObject()).as(operation.getKey()).isTrue();
            operation
                    .getValue()
                    .get("messages")
                    .forEach(m -> assertThat(DOC.resolve(m).isObject())
                            .as(operation.getKey() + " " + m)
                            .isTrue());
        });
    }

    @Test
    void theMailboxChannelsAreTheContractsQueuesReachedThroughTheMailboxsOwnExchange() {
        for (Envelope<?> envelope : List.of(SubmitMessage.ENVELOPE, CancelMessage.ENVELOPE)) {
            assertThat(DOC.at("/channels/mailbox/address").asString()).isEqualTo(envelope.routingKey());
            assertThat(DOC.at("/channels/mailbox/x-mailroom-publish/exchange").asString())
                    .isEqualTo(envelope.exchange());
        }
        assertThat(DOC.at("/channels/mailbox/address").asString()).isEqualTo(QueueNames.MAILBOX);
        assertThat(DOC.at("/channels/mailboxBulk/address").asString())
                .isEqualTo(QueueNames.bulkLaneOf(QueueNames.MAILBOX));
        for (String channel : List.of("mailbox", "mailboxBulk")) {
            String base = "/channels/" + channel;
            assertThat(DOC.at(base + "/x-mailroom-publish/routingKey").asString())
                    .isEqualTo(DOC.at(base + "/address").asString());
            assertThat(DOC.at(base + "/bindings/amqp/queue/name").asString())
                    .isEqualTo(DOC.at(base + "/address").asString());
            assertThat(DOC.at(base + "/x-mailroom-publish/deliveryMode").asInt())
                    .isEqualTo(MessageDeliveryMode.toInt(MessageDeliveryMode.PERSISTENT));
            assertThat(DOC.at(base + "/x-mailroom-publish/exchange").asString())
                    .isEqualTo(QueueNames.MAILBOX_EXCHANGE)
                    .isEqualTo(QueueNames.exchangeOf(DOC.at(base + "/address").asString()));
        }
    }

    @Test
    void theMailboxExchangeIsDeclaredAsDocumentedAndBoundToBothLanesOnBothBrokers() throws Exception {
        int deliveryLimit = defaultDeliveryLimit();
        for (String kind : List.of("rabbitmq", "qpid")) {
            Declarables topology = topology(new MailroomProperties.Broker(kind, Duration.ofSeconds(15), deliveryLimit));
            for (String channel : List.of("mailbox", "mailboxBulk")) {
                String base = "/channels/" + channel + "/x-mailroom-publish";
                String exchange = DOC.at(base + "/exchange").asString();
                assertThat(topology.getDeclarablesByType(Exchange.class))
                        .as(kind)
                        .filteredOn(e -> e.getName().equals(exchange))
                        .singleElement()
                        .satisfies(e -> {
                            assertThat(e.getType())
                                    .isEqualTo(DOC.at(base + "/exchangeType").asString());
                            assertThat(e.isDurable())
                                    .isEqualTo(DOC.at(base + "/exchangeDurable").asBoolean());
                            assertThat(e.isAutoDelete())
                                    .isEqualTo(
                                            DOC.at(base + "/exchangeAutoDelete").asBoolean());
                            // No alternate exchange: a wrong routing key is returned to a mandatory publisher.
                            assertThat(e.getArguments()).doesNotContainKey("alternate-exchange");
                        });
                String routingKey = DOC.at(base + "/routingKey").asString();
                assertThat(topology.getDeclarablesByType(Binding.class))
                        .as(kind + ": " + channel + " bound to " + exchange)
                        .anySatisfy(b -> {
                            assertThat(b.getExchange()).isEqualTo(exchange);
                            assertThat(b.getDestination())
                                    .isEqualTo(DOC.at("/channels/" + channel + "/address")
                                            .asString());
                            assertThat(b.getRoutingKey()).isEqualTo(routingKey);
                            assertThat(b.isDestinationQueue()).isTrue();
                        });
            }
            // The exchange reaches the mailbox's lanes and nothing else.
            List<Binding> bindings = topology.getDeclarablesByType(Binding.class).stream()
                    .filter(b -> b.getExchange().equals(QueueNames.MAILBOX_EXCHANGE))
                    .toList();
            assertThat(bindings)
                    .extracting(Binding::getDestination)
                    .containsOnly(QueueNames.MAILBOX, QueueNames.MAILBOX_BULK);
            if (kind.equals("rabbitmq")) {
                // Only the documented routing keys: any other is returned to the publisher.
                assertThat(bindings)
                        .allSatisfy(b -> assertThat(b.getRoutingKey()).isEqualTo(b.getDestination()));
            } else {
                // Qpid's default exchange hands a publish to "mailroom.mailbox" to the exchange of that name with
                // the routing key "" (BrokerTopology): bound too, so that older clients still reach the mailbox.
                assertThat(bindings)
                        .extracting(Binding::getRoutingKey)
                        .containsExactlyInAnyOrder(QueueNames.MAILBOX, QueueNames.MAILBOX_BULK, "");
            }
        }
    }

    @Test
    void theDocumentedPermissionLetsAnApplicationWriteOnTheMailboxExchangeAndNothingElse() throws Exception {
        JsonNode permissions = DOC.at("/x-mailroom-broker-permissions");
        Pattern configure = Pattern.compile(permissions.get("configure").asString());
        Pattern write = Pattern.compile(permissions.get("write").asString());
        Pattern read = Pattern.compile(permissions.get("read").asString());
        assertThat(permissions.get("rabbitmqctl").asString())
                .isEqualTo("rabbitmqctl set_permissions -p <vhost> <user> '" + configure.pattern() + "' '"
                        + write.pattern() + "' '" + read.pattern() + "'");

        // RabbitMQ matches a resource name against the expression with re:run, a search anywhere in the name.
        assertThat(write.matcher(QueueNames.MAILBOX_EXCHANGE).find()).isTrue();
        Declarables topology =
                topology(new MailroomProperties.Broker("rabbitmq", Duration.ofSeconds(15), defaultDeliveryLimit()));
        List<String> others = new ArrayList<>(List.of("", "amq.default", "amq.direct", "amq.topic"));
        topology.getDeclarablesByType(Exchange.class).stream()
                .map(Exchange::getName)
                .filter(name -> !name.equals(QueueNames.MAILBOX_EXCHANGE))
                .forEach(others::add);
        // The queue named like the exchange matches too: write on a queue only lets a user bind it (queue.bind), which
        // also needs read on the exchange, and read is nothing.
        topology.getDeclarablesByType(Queue.class).stream()
                .map(Queue::getName)
                .filter(name -> !name.equals(QueueNames.MAILBOX))
                .forEach(others::add);
        assertThat(others).contains(QueueNames.DISPATCHING, QueueNames.TRACKING, QueueNames.SETTINGS_EXCHANGE);
        for (String name : others) {
            assertThat(write.matcher(name).find()).as("write on " + name).isFalse();
        }
        for (String name : List.of(QueueNames.MAILBOX_EXCHANGE, QueueNames.MAILBOX, QueueNames.MAILBOX_BULK)) {
            assertThat(configure.matcher(name).find()).as("configure " + name).isFalse();
            assertThat(read.matcher(name).find()).as("read " + name).isFalse();
        }
    }

    @Test
    void theMailboxCarriesExactlyTheContractsMailboxTypesUnderTheirNames() {
        Set<String> inCode = new LinkedHashSet<>();
        for (Envelope<?> e : MessageTypes.envelopes()) {
            if (e.travelsOn(QueueNames.MAILBOX)) {
                inCode.add(e.type());
            }
        }
        for (String channel : List.of("mailbox", "mailboxBulk")) {
            Set<String> documented = new LinkedHashSet<>();
            DOC.at("/channels/" + channel + "/messages").forEach(ref -> {
                JsonNode message = DOC.resolve(ref);
                String type = message.at("/bindings/amqp/messageType").asString();
                assertThat(message.get("name").asString()).isEqualTo(type);
                assertThat(message.at("/x-amqp-properties/properties/type/const")
                                .asString())
                        .isEqualTo(type);
                assertThat(message.at("/x-amqp-properties/properties/content_type/const")
                                .asString())
                        .isEqualTo(MessageProperties.CONTENT_TYPE_JSON);
                documented.add(type);
            });
            assertThat(documented).as(channel).containsExactlyInAnyOrderElementsOf(inCode);
        }
        assertThat(DOC.at("/components/messages/submit/name").asString()).isEqualTo(MessageTypes.SUBMIT_V1);
        assertThat(DOC.at("/components/messages/cancel/name").asString()).isEqualTo(MessageTypes.CANCEL_V1);
    }

    @Test
    void theProofHeadersAreTheOnesTheOperatorReads() {
        JsonNode headers = DOC.resolve(DOC.at("/components/messages/submit/headers"));
        assertThat(DOC.resolve(DOC.at("/components/messages/cancel/headers"))).isEqualTo(headers);
        assertThat(names(headers.get("required")))
                .containsExactlyInAnyOrder(MailboxProof.KEY_ID_HEADER, MailboxProof.SIGNATURE_HEADER);
        assertThat(names(headers.get("properties"))).isEqualTo(names(headers.get("required")));
        assertThat(DOC.at("/x-mailroom-proof/keyIdHeader").asString()).isEqualTo(MailboxProof.KEY_ID_HEADER);
        assertThat(DOC.at("/x-mailroom-proof/signatureHeader").asString()).isEqualTo(MailboxProof.SIGNATURE_HEADER);
        assertThat(DOC.at("/x-mailroom-proof/signatureVersion").asString()).isEqualTo(MailboxProof.V1);
        assertThat(DOC.at("/x-mailroom-proof/algorithm").asString())
                .contains(DOC.at("/x-mailroom-proof/keyIdContext").asString());
    }

    @Test
    void theProofsTestVectorIsWhatTheCodeComputesAndMatchesTheHeaderSchema() {
        JsonNode v = DOC.at("/x-mailroom-proof/testVector");
        String key = v.get("apiKey").asString();
        byte[] body = v.get("body").asString().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = MailboxProof.headers(
                key, v.get("messageId").asString(), v.get("type").asString(), body);

        assertThat(MailboxProof.keyId(key)).isEqualTo(v.get("keyId").asString());
        assertThat(headers.get(MailboxProof.SIGNATURE_HEADER))
                .isEqualTo(v.get("signature").asString());
        assertThat(DOC.errors("/components/schemas/MailboxProofHeaders", AsyncApiDocument.JSON.valueToTree(headers)))
                .isEmpty();
        // The key id the examples show is the test vector's.
        assertThat(DOC.at("/components/messages/submit/examples/0/headers/x-mailroom-key-id")
                        .asString())
                .isEqualTo(v.get("keyId").asString());
    }

    @Test
    void theMessageIdRulesAreTheRecordsOwn() throws Exception {
        SubmitMessage submit = ContractJson.read(golden("submit.v1.json"), SubmitMessage.class);
        CancelMessage cancel = ContractJson.read(golden("cancel.v1.json"), CancelMessage.class);

        assertThat(messageId("submit", golden("submit.v1.json"))).isEqualTo(submit.amqpMessageId());
        assertThat(messageId("cancel", golden("cancel.v1.json"))).isEqualTo(cancel.amqpMessageId());
        assertThat(cancel.amqpMessageId())
                .matches(DOC.at("/components/messages/cancel/x-amqp-properties/properties/message_id/pattern")
                        .asString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"submit.v1.json", "submit-idempotent.v1.json", "submit-bulk.v1.json"})
    void everyGoldenSubmissionValidatesAgainstTheDocumentsSchema(String file) throws Exception {
        assertThat(DOC.errors(SUBMIT, AsyncApiDocument.JSON.readTree(golden(file))))
                .isEmpty();
    }

    @Test
    void theGoldenCancelValidatesAgainstTheDocumentsSchema() throws Exception {
        assertThat(DOC.errors(CANCEL, AsyncApiDocument.JSON.readTree(golden("cancel.v1.json"))))
                .isEmpty();
    }

    @Test
    void whatTheJavaClientWritesValidatesToo() {
        // The client leaves organizationId out and gives no sendAt; an email with every list empty.
        SubmitMessage fromClient = new SubmitMessage(
                UUID.randomUUID(),
                null,
                Instant.now(),
                new Email(
                        dev.mailroom.contracts.Address.of("app@example.com"),
                        List.of(Recipient.of("ada@example.org")),
                        null,
                        null,
                        null,
                        "Hello",
                        "Hi",
                        null,
                        null,
                        null,
                        null,
                        null),
                null,
                null);

        assertThat(DOC.errors(SUBMIT, AsyncApiDocument.JSON.readTree(ContractJson.write(fromClient))))
                .isEmpty();
    }

    @Test
    void everyExampleOfEveryMessageValidatesAgainstItsPayloadAndHeaderSchemas() {
        List<String> checked = new ArrayList<>();
        DOC.at("/components/messages").properties().forEach(entry -> {
            JsonNode message = entry.getValue();
            String payload = message.get("payload").get("$ref").asString().substring(1);
            String headers = message.get("headers").get("$ref").asString().substring(1);
            message.get("examples").forEach(example -> {
                String what = entry.getKey() + "/" + example.get("name").asString();
                assertThat(DOC.errors(payload, example.get("payload"))).as(what).isEmpty();
                JsonNode exampleHeaders = example.get("headers");
                // Mailbox examples show the signature as a placeholder; webhook examples are real.
                if (exampleHeaders != null && !headers.endsWith("MailboxProofHeaders")) {
                    assertThat(DOC.errors(headers, exampleHeaders)).as(what).isEmpty();
                }
                checked.add(what);
            });
        });
        assertThat(checked).hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void theExamplesAreReadByTheContractAsTheyAreMeant() {
        JsonNode welcome = DOC.at("/components/messages/submit/examples/0/payload");
        SubmitMessage read = ContractJson.read(AsyncApiDocument.JSON.writeValueAsBytes(welcome), SubmitMessage.class);
        SubmitMessage golden = ContractJson.read(golden("submit.v1.json"), SubmitMessage.class);

        // The golden submission without its organizationId (an application leaves it to the key).
        assertThat(read.organizationId()).isNull();
        assertThat(read.email()).isEqualTo(golden.email());
        assertThat(read.sendAt()).isEqualTo(golden.sendAt());
        assertThat(read.provider()).isEqualTo(golden.provider());
        for (JsonNode example : DOC.at("/components/messages/submit/examples")) {
            SubmitMessage s = ContractJson.read(
                    AsyncApiDocument.JSON.writeValueAsBytes(example.get("payload")), SubmitMessage.class);
            assertThat(EmailRules.check(
                            s, s.submittedAt() == null ? Instant.now() : s.submittedAt(), Duration.ofDays(365)))
                    .as(example.get("name").asString())
                    .isEmpty();
        }
    }

    @Test
    void theSchemasRefuseWhatMailroomRefuses() throws Exception {
        ObjectNode valid = (ObjectNode) AsyncApiDocument.JSON.readTree(golden("submit.v1.json"));

        assertThat(DOC.errors(SUBMIT, without(valid, "id"))).isNotEmpty();
        assertThat(DOC.errors(SUBMIT, without(valid, "email"))).isNotEmpty();
        assertThat(DOC.errors(SUBMIT, with(valid, "/email/from", "email", "not an address")))
                .isNotEmpty();
        assertThat(DOC.errors(SUBMIT, with(valid, "/email", "subject", "two\r\nlines")))
                .isNotEmpty();
        assertThat(DOC.errors(SUBMIT, with(valid, "/email", "tags", List.of("no spaces allowed"))))
                .isNotEmpty();
        assertThat(DOC.errors(SUBMIT, with(valid, "/email", "to", "ada@example.org")))
                .isNotEmpty();
        assertThat(DOC.errors(SUBMIT, with(valid, "", "sendAt", "tomorrow"))).isNotEmpty();
        assertThat(DOC.errors(SUBMIT, with(valid, "", "id", "42"))).isNotEmpty();
        assertThat(DOC.errors(CANCEL, AsyncApiDocument.JSON.readTree("{\"organizationId\":\"default\"}")))
                .isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            classes = {
                SubmitMessage.class,
                CancelMessage.class,
                Email.class,
                dev.mailroom.contracts.Address.class,
                Recipient.class,
                dev.mailroom.contracts.Attachment.class
            })
    void eachSchemaNamesExactlyTheFieldsOfItsRecord(Class<?> record) {
        JsonNode schema = DOC.at("/components/schemas/" + record.getSimpleName());
        Set<String> fields = new LinkedHashSet<>();
        for (RecordComponent c : record.getRecordComponents()) {
            fields.add(c.getName());
        }

        assertThat(names(schema.get("properties"))).as(record.getSimpleName()).isEqualTo(fields);
    }

    @Test
    void theEmailsLimitsAreEmailRules() {
        String email = "/components/schemas/Email/properties";
        assertThat(DOC.at(email + "/subject/maxLength").asInt()).isEqualTo(EmailRules.MAX_SUBJECT_LENGTH);
        assertThat(DOC.at("/components/schemas/Recipients/maxItems").asInt()).isEqualTo(EmailRules.MAX_RECIPIENTS);
        assertThat(DOC.at(email + "/headers/maxProperties").asInt()).isEqualTo(EmailRules.MAX_HEADERS);
        assertThat(DOC.at(email + "/headers/additionalProperties/maxLength").asInt())
                .isEqualTo(EmailRules.MAX_HEADER_VALUE_LENGTH);
        assertThat(DOC.at(email + "/tags/maxItems").asInt()).isEqualTo(EmailRules.MAX_TAGS);
        assertThat(DOC.at(email + "/metadata/maxProperties").asInt()).isEqualTo(EmailRules.MAX_METADATA_ENTRIES);
        assertThat(DOC.at(email + "/metadata/propertyNames/maxLength").asInt())
                .isEqualTo(EmailRules.MAX_METADATA_KEY_LENGTH);
        assertThat(DOC.at(email + "/metadata/additionalProperties/maxLength").asInt())
                .isEqualTo(EmailRules.MAX_METADATA_VALUE_LENGTH);
        assertThat(DOC.at(email + "/attachments/maxItems").asInt()).isEqualTo(EmailRules.MAX_ATTACHMENTS);
        assertThat(DOC.at("/components/schemas/Address/properties/name/maxLength")
                        .asInt())
                .isEqualTo(EmailRules.MAX_NAME_LENGTH);
        assertThat(DOC.at("/components/schemas/Recipient/properties/memberId/maxLength")
                        .asInt())
                .isEqualTo(EmailRules.MAX_MEMBER_ID_LENGTH);
        assertThat(DOC.at("/components/schemas/Attachment/properties/filename/maxLength")
                        .asInt())
                .isEqualTo(EmailRules.MAX_FILENAME_LENGTH);
        assertThat(DOC.at("/components/schemas/Attachment/properties/contentType/maxLength")
                        .asInt())
                .isEqualTo(EmailRules.MAX_CONTENT_TYPE_LENGTH);
        // Every reserved header the document lists is reserved in the code, and the address rule is the code's.
        String reserved = DOC.at(email + "/headers/description").asString();
        Matcher names = Pattern.compile("`([A-Za-z-]+)`").matcher(reserved);
        int listed = 0;
        while (names.find()) {
            String name = names.group(1);
            assertThat(EmailRules.isReservedHeader(name.endsWith("-") ? name + "X" : name))
                    .as(name)
                    .isTrue();
            listed++;
        }
        assertThat(listed).isGreaterThanOrEqualTo(20);
        Pattern address = Pattern.compile(
                DOC.at("/components/schemas/EmailAddress/pattern").asString());
        for (String a :
                List.of("ada@example.org", "a.b+c@sub.example.co", "no-at-sign", "a@nodot", "a b@example.org")) {
            assertThat(address.matcher(a).matches()).as(a).isEqualTo(EmailRules.isValidAddress(a));
        }
    }

    @Test
    void theQueueDeclarationIsTheOneMailroomMakes() throws Exception {
        int deliveryLimit = defaultDeliveryLimit();
        Declarables rabbit = topology(new MailroomProperties.Broker("rabbitmq", Duration.ofSeconds(15), deliveryLimit));
        Declarables embedded = topology(new MailroomProperties.Broker("qpid", Duration.ofSeconds(15), deliveryLimit));

        for (String channel : List.of("mailbox", "mailboxBulk")) {
            String base = "/channels/" + channel;
            String name = DOC.at(base + "/address").asString();
            Queue onRabbit = queue(rabbit, name);
            Queue onEmbedded = queue(embedded, name);
            JsonNode binding = DOC.at(base + "/bindings/amqp/queue");
            for (Queue q : List.of(onRabbit, onEmbedded)) {
                assertThat(q.isDurable()).isEqualTo(binding.get("durable").asBoolean());
                assertThat(q.isExclusive()).isEqualTo(binding.get("exclusive").asBoolean());
                assertThat(q.isAutoDelete()).isEqualTo(binding.get("autoDelete").asBoolean());
            }
            assertThat(new TreeMap<>(onRabbit.getArguments()))
                    .as(channel + " on RabbitMQ")
                    .isEqualTo(new TreeMap<>(plain(DOC.at(base + "/x-mailroom-queue-arguments/rabbitmq"))));
            assertThat(onEmbedded.getArguments())
                    .as(channel + " on the embedded broker")
                    .isEqualTo(plain(DOC.at(base + "/x-mailroom-queue-arguments/embedded")));

            JsonNode dlq = DOC.at(base + "/x-mailroom-dead-letter-queue/rabbitmq");
            Queue deadLetters = queue(rabbit, dlq.get("queue").asString());
            assertThat(deadLetters.getArguments())
                    .containsEntry("x-queue-type", dlq.get("queueType").asString());
            assertThat(rabbit.getDeclarablesByType(Binding.class)).anySatisfy(b -> {
                assertThat(b.getDestination()).isEqualTo(deadLetters.getName());
                assertThat(b.getExchange()).isEqualTo(dlq.get("exchange").asString());
                assertThat(b.getRoutingKey()).isEqualTo(dlq.get("routingKey").asString());
            });
            assertThat(rabbit.getDeclarablesByType(DirectExchange.class))
                    .anySatisfy(e -> assertThat(e.getName())
                            .isEqualTo(dlq.get("exchange").asString()));
            assertThat(embedded.getDeclarablesByType(Queue.class))
                    .noneMatch(q -> q.getName().equals(deadLetters.getName()));
        }
    }

    @Test
    void theWebhookTypesAndStatusesAreTheContracts() {
        assertThat(strings(DOC.at("/components/schemas/WebhookEventType/enum")))
                .containsExactlyElementsOf(NotificationTypes.all());
        List<String> statuses = Arrays.stream(MessageStatus.values())
                .filter(s -> s != MessageStatus.SUBMITTED)
                .sorted((a, b) -> Integer.compare(a.precedence(), b.precedence()))
                .map(Enum::name)
                .toList();
        assertThat(strings(DOC.at("/components/schemas/EmailStatus/enum"))).containsExactlyElementsOf(statuses);
        // The channel's description gives the same precedence order.
        assertThat(DOC.at("/channels/webhookEvents/description").asString().replaceAll("\\s+", " "))
                .contains(String.join("` < `", statuses));
        for (String type : NotificationTypes.all()) {
            assertThat(DOC.errors("/components/schemas/WebhookEventType", AsyncApiDocument.JSON.valueToTree(type)))
                    .isEmpty();
            if (type.startsWith("email.")) {
                assertThat(type)
                        .matches(DOC.at("/components/schemas/EmailEvent/properties/type/pattern")
                                .asString());
            }
        }
    }

    @Test
    void theGoldenNotificationsPostedAsTheNotifierPostsThemValidate() throws Exception {
        NotificationBatch batch = ContractJson.read(golden("notifications.v1.json"), NotificationBatch.class);
        Map<String, String> schemaOf = Map.of(
                NotificationTypes.WEBHOOK_TEST, "/components/schemas/WebhookTestEvent",
                NotificationTypes.SUPPRESSION_CREATED, "/components/schemas/SuppressionCreatedEvent",
                NotificationTypes.SUPPRESSION_DELETED, "/components/schemas/SuppressionDeletedEvent");
        for (Notification n : batch.notifications()) {
            // The notifier's body (Notifier.delivery): type, the time to the microsecond, data.
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", n.type());
            body.put("timestamp", n.occurredAt().truncatedTo(ChronoUnit.MICROS).toString());
            body.put("data", n.data());
            String schema = schemaOf.getOrDefault(n.type(), "/components/schemas/EmailEvent");

            assertThat(DOC.errors(schema, AsyncApiDocument.JSON.valueToTree(body)))
                    .as(n.type())
                    .isEmpty();
            assertThat(Notification.webhookId(n.id()))
                    .matches(DOC.at("/components/schemas/StandardWebhookHeaders/properties/webhook-id/pattern")
                            .asString());
        }
    }

    @Test
    void theWebhookSigningTestVectorIsWhatTheNotifierSignsAndTheExampleShows() throws Exception {
        JsonNode v = DOC.at("/x-mailroom-webhook-signing/testVector");
        // The notifier's own signer (package-private: it is no API of Mailroom's).
        Class<?> signer = Class.forName("dev.mailroom.server.notifier.WebhookSigner");
        Method sign = signer.getDeclaredMethod("signature", List.class, String.class, long.class, byte[].class);
        sign.setAccessible(true);
        String computed = (String) sign.invoke(
                null,
                List.of(v.get("secret").asString()),
                v.get("webhookId").asString(),
                Long.parseLong(v.get("timestamp").asString()),
                v.get("body").asString().getBytes(StandardCharsets.UTF_8));

        assertThat(computed).isEqualTo(v.get("signature").asString());
        JsonNode example = DOC.at("/components/messages/emailEvent/examples/0");
        assertThat(example.at("/headers/webhook-signature").asString()).isEqualTo(computed);
        assertThat(example.at("/headers/webhook-id").asString())
                .isEqualTo(v.get("webhookId").asString());
        assertThat(example.at("/headers/webhook-timestamp").asString())
                .isEqualTo(v.get("timestamp").asString());
        assertThat(AsyncApiDocument.JSON.readTree(v.get("body").asString())).isEqualTo(example.get("payload"));
        assertThat(DOC.at("/x-mailroom-webhook-signing/secretPrefix").asString())
                .isEqualTo("whsec_");
    }

    private static Declarables topology(MailroomProperties.Broker broker) throws Exception {
        MailroomProperties properties = new MailroomProperties(
                null, null, null, null, null, null, broker, new MailroomProperties.Providers(null, List.of()));
        Method declare = BrokerTopology.class.getDeclaredMethod("mailroomQueues", MailroomProperties.class);
        declare.setAccessible(true);
        return (Declarables) declare.invoke(new BrokerTopology(), properties);
    }

    /** mailroom.broker.delivery-limit's default, as the properties record declares it. */
    private static int defaultDeliveryLimit() {
        for (Constructor<?> c : MailroomProperties.Broker.class.getDeclaredConstructors()) {
            if (c.getParameterCount() == 3) {
                return Integer.parseInt(
                        c.getParameters()[2].getAnnotation(DefaultValue.class).value()[0]);
            }
        }
        throw new IllegalStateException("no canonical constructor of MailroomProperties.Broker");
    }

    private static Queue queue(Declarables declarables, String name) {
        return declarables.getDeclarablesByType(Queue.class).stream()
                .filter(q -> q.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("Mailroom declares no queue " + name));
    }

    /** A JSON object as the Java values AMQP arguments hold (strings, ints). */
    private static Map<String, Object> plain(JsonNode object) {
        Map<String, Object> map = new LinkedHashMap<>();
        object.properties()
                .forEach(e -> map.put(
                        e.getKey(),
                        e.getValue().isInt()
                                ? (Object) e.getValue().asInt()
                                : e.getValue().asString()));
        return map;
    }

    private static String messageId(String message, byte[] golden) {
        String template = DOC.at("/components/messages/" + message + "/x-mailroom-message-id")
                .asString();
        JsonNode payload = AsyncApiDocument.JSON.readTree(golden);
        Matcher field = Pattern.compile("\\{(\\w+)}").matcher(template);
        StringBuilder id = new StringBuilder();
        while (field.find()) {
            field.appendReplacement(id, payload.get(field.group(1)).asString());
        }
        field.appendTail(id);
        return id.toString();
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        if (node.isArray()) {
            node.forEach(n -> names.add(n.asString()));
        } else {
            node.propertyNames().forEach(names::add);
        }
        return names;
    }

    private static List<String> strings(JsonNode array) {
        return Stream.of(array)
                .flatMap(a -> a.valueStream())
                .map(JsonNode::asString)
                .toList();
    }

    private static JsonNode without(ObjectNode node, String field) {
        ObjectNode copy = node.deepCopy();
        copy.remove(field);
        return copy;
    }

    private static JsonNode with(ObjectNode node, String at, String field, Object value) {
        ObjectNode copy = node.deepCopy();
        ((ObjectNode) copy.at(at)).set(field, AsyncApiDocument.JSON.valueToTree(value));
        return copy;
    }

    private static byte[] golden(String name) {
        try {
            return Files.readAllBytes(GOLDEN.resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
