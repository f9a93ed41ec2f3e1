package dev.mailroom.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.bench.cluster.LedgerRows.ActivityRow;
import dev.mailroom.contracts.Notification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExpectedNotificationsTest {
    private static final UUID MESSAGE = UUID.randomUUID();

    private static ActivityRow activity(String status, String recipient) {
        return new ActivityRow(UUID.randomUUID(), MESSAGE, status, recipient, null, null, null);
    }

    @Test
    void theWebhookIdIsTheNotifiersOwnForThatActivityAndRecipient() {
        UUID activity = UUID.randomUUID();

        assertThat(ExpectedNotifications.webhookId(activity, " Someone@Example.COM "))
                .isEqualTo(Notification.webhookId(Notification.ofActivity(activity, "someone@example.com")))
                .matches("msg_[0-9a-f]{32}");
    }

    @Test
    void anActivityNamingItsRecipientIsThatRecipientsAloneAndOneWithoutIsEveryRecipients() {
        ActivityRow delivered = activity("DELIVERED", "B@example.com");
        ActivityRow queued = activity("QUEUED", null);
        Map<UUID, List<String>> recipients =
                Map.of(MESSAGE, List.of("a@example.com", "B@example.com", "a@EXAMPLE.com"));

        Map<String, String> expected = ExpectedNotifications.of(List.of(delivered, queued), recipients);

        assertThat(expected)
                .containsOnlyKeys(
                        ExpectedNotifications.webhookId(delivered.id(), "b@example.com"),
                        ExpectedNotifications.webhookId(queued.id(), "a@example.com"),
                        ExpectedNotifications.webhookId(queued.id(), "b@example.com"));
        assertThat(expected.get(ExpectedNotifications.webhookId(delivered.id(), "b@example.com")))
                .isEqualTo("DELIVERED");
    }

    @Test
    void submittedIsNeverNotified() {
        assertThat(ExpectedNotifications.of(
                        List.of(activity("SUBMITTED", null)), Map.of(MESSAGE, List.of("a@example.com"))))
                .isEmpty();
    }
}
