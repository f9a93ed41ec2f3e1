package dev.mailroom.server.dispatcher;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.ProviderNames;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import jakarta.mail.MessagingException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The email's rules are checked once, where a dispatch command is taken, for every provider; no
 * sender checks them again. A command published straight onto the dispatching queue (skipping
 * the API and the operator) with an email that breaks them is FAILED with the reason, whichever
 * provider it names, and reaches no provider: no HTTP call, no SMTP transaction, no sandbox event.
 */
@EndToEndTest
class RuleBreakingDispatchCommandsTest {
    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    WireMockServer providerFakes;

    @Autowired
    GreenMail greenMail;

    @Test
    void aCommandBreakingTheRulesIsFailedWithTheReasonWhicheverProviderItNamesAndReachesNone() {
        ApiClient api = new ApiClient(port);
        // Real messages waiting for their send time, so the forged commands are about messages we know.
        Map<String, String> idByProvider = new LinkedHashMap<>();
        for (String provider : ProviderNames.all()) {
            idByProvider.put(
                    provider,
                    api.submit(ApiClient.email(
                            "ada@example.org", "{\"sendAt\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}")));
        }
        idByProvider.values().forEach(id -> awaitStatus(api, id, "SCHEDULED"));
        Email forged = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("not an address")),
                null,
                null,
                null,
                "Hi",
                "x",
                null,
                Map.of("X-Evil", "a\r\nBcc: victim@example.com"),
                null,
                null,
                null);

        idByProvider.forEach((provider, id) -> {
            MessageProperties props = new MessageProperties();
            props.setMessageId("forged-" + provider + "-" + id);
            props.setType(MessageTypes.DISPATCH_V1);
            rabbit.send(
                    "",
                    QueueNames.DISPATCHING,
                    new Message(
                            ContractJson.write(
                                    new DispatchCommand(UUID.fromString(id), "default", 1, provider, forged)),
                            props));
        });

        idByProvider.forEach((provider, id) -> {
            JsonNode message = awaitStatus(api, id, "FAILED");
            assertThat(statuses(message)).as(provider).doesNotContain("DISPATCHED", "DELIVERED");
            JsonNode failed = failedActivity(message);
            assertThat(failed.get("provider").asString()).isEqualTo(provider);
            assertThat(failed.get("details").get("reason").asString())
                    .as(provider)
                    .startsWith("invalid email")
                    .contains("to[0].email")
                    .contains("headers.X-Evil");
            assertThat(providerFakes.getAllServeEvents())
                    .as("HTTP calls carrying the message of " + provider)
                    .noneMatch(event -> event.getRequest().getBodyAsString().contains(id));
            assertThat(Arrays.stream(greenMail.getReceivedMessages()).map(RuleBreakingDispatchCommandsTest::mailroomId))
                    .as("mail relayed for the message of " + provider)
                    .doesNotContain(id);
        });
    }

    private static JsonNode failedActivity(JsonNode message) {
        JsonNode failed = null;
        for (JsonNode activity : message.get("activities")) {
            if ("FAILED".equals(activity.get("status").asString())) {
                failed = activity;
            }
        }
        assertThat(failed).isNotNull();
        return failed;
    }

    private static String mailroomId(jakarta.mail.internet.MimeMessage message) {
        try {
            return message.getHeader("X-Mailroom-Id", null);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
