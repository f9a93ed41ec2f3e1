package dev.mailroom.server.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.DeadLetterAction;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SettingsSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The publisher puts a message on the wire under the envelope it declares, with its contract JSON as the body. */
class OutgoingMessageTest {
    private static final UUID ID = UUID.fromString("0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11");
    private static final Instant AT = Instant.parse("2026-11-28T10:20:00Z");

    @Test
    void aQueueMessageGoesOutUnderItsOwnQueueTypeAndId() {
        CancelMessage cancel = new CancelMessage(ID, "default", AT);
        DispatchCommand command = new DispatchCommand(
                ID,
                "default",
                3,
                null,
                new Email(
                        Address.of("a@example.com"),
                        List.of(Recipient.of("b@example.org")),
                        null,
                        null,
                        null,
                        "s",
                        "t",
                        null,
                        null,
                        null,
                        null,
                        null));
        DeadLetterAction discard = new DeadLetterAction(ID, DeadLetterAction.DISCARD, AT);

        assertWire(
                OutgoingMessage.of(cancel),
                "mailroom.mailbox",
                "mailroom.mailbox.cancel.v1",
                "cancel:" + ID,
                ContractJson.write(cancel));
        assertWire(
                OutgoingMessage.of(command),
                "mailroom.dispatching",
                "mailroom.dispatching.dispatch.v1",
                ID + ":3",
                ContractJson.write(command));
        assertWire(
                OutgoingMessage.of(discard),
                "mailroom.control",
                "mailroom.mailbox.dead-letter.v1",
                "dead-letter:" + ID + ":discard",
                ContractJson.write(discard));
    }

    @Test
    void mailboxMessagesGoThroughTheMailboxsOwnExchangeOnBothLanesAndOthersThroughTheDefaultOne() {
        OutgoingMessage cancel = OutgoingMessage.of(new CancelMessage(ID, "default", AT));
        OutgoingMessage replayed =
                new OutgoingMessage("mailroom.mailbox", "x", "mailroom.mailbox.submit.v1", new byte[0]);
        OutgoingMessage control = OutgoingMessage.of(new DeadLetterAction(ID, DeadLetterAction.DISCARD, AT));

        assertThat(cancel.exchange()).isEqualTo("mailroom.mailbox");
        assertThat(cancel.onBulkLane().exchange()).isEqualTo("mailroom.mailbox");
        assertThat(cancel.onBulkLane().queue()).isEqualTo("mailroom.mailbox.bulk");
        assertThat(replayed.exchange())
                .as("a dead letter replayed onto the mailbox")
                .isEqualTo("mailroom.mailbox");
        assertThat(control.exchange()).isEmpty();
        assertThat(new OutgoingMessage("mailroom.dispatching", "x", "t", new byte[0]).exchange())
                .isEmpty();
    }

    @Test
    void aBroadcastIsNotSentToAQueue() {
        SettingsSnapshot snapshot = new SettingsSnapshot(7, Map.of("default-provider", "sandbox"), AT);

        assertThatThrownBy(() -> OutgoingMessage.of(snapshot))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mailroom.settings");
    }

    private static void assertWire(OutgoingMessage wire, String queue, String type, String messageId, byte[] body) {
        assertThat(wire.queue()).isEqualTo(queue);
        assertThat(wire.type()).isEqualTo(type);
        assertThat(wire.messageId()).isEqualTo(messageId);
        assertThat(wire.body()).isEqualTo(body);
        assertThat(wire.headers()).isEmpty();
    }
}
