package dev.mailroom.server.pipeline;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** An email submitted with {@code "provider": "smtp"} reaches a real SMTP server (GreenMail). */
@EndToEndTest
class SmtpEndToEndTest {
    @LocalServerPort
    int port;

    @Autowired
    GreenMail greenMail;

    @Test
    void anEmailSentThroughSmtpArrivesWithItsMailroomIdAndIsRecordedDispatched() throws Exception {
        ApiClient api = new ApiClient(port);
        String id = api.submit(ApiClient.email(
                "grace@example.org",
                "{\"provider\":\"smtp\",\"subject\":\"Via SMTP\",\"headers\":{\"X-Campaign\":\"e2e\"}}"));

        JsonNode message = awaitStatus(api, id, "DISPATCHED");

        assertThat(statuses(message)).containsExactly("ACCEPTED", "QUEUED", "DISPATCHED");
        assertThat(message.get("provider").asString()).isEqualTo("smtp");
        MimeMessage received = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> Arrays.stream(greenMail.getReceivedMessages())
                                .filter(m -> id.equals(header(m, "X-Mailroom-Id")))
                                .findFirst()
                                .orElse(null),
                        m -> m != null);
        assertThat(received.getSubject()).isEqualTo("Via SMTP");
        assertThat(header(received, "X-Campaign")).isEqualTo("e2e");
        assertThat(received.getMessageID())
                .isEqualTo(message.get("providerMessageId").asString());
    }

    private static String header(MimeMessage message, String name) {
        try {
            return message.getHeader(name, null);
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
