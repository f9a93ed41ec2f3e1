package dev.mailroom.server.operator;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.stereotype.Component;

/** Parks a queue message that cannot be processed in the dead-letter table, with the reason. */
@Component
@ConditionalOnRole(Role.OPERATOR)
class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    private final OperatorStore store;
    private final Clock clock;

    DeadLetters(OperatorStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void park(String queue, Message message, String reason) {
        String messageId = message.getMessageProperties().getMessageId();
        log.warn("Parking message {} from {}: {}", messageId, queue, reason);
        store.park(queue, message.getMessageProperties().getType(), messageId, reason, message.getBody(), clock.instant());
    }
}
