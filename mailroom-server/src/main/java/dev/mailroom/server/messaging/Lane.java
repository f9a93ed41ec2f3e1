package dev.mailroom.server.messaging;

/**
 * Which of a queue's two lanes a message travels on: the prompt lane (the queue of the Contract) or its bulk
 * lane ({@link dev.mailroom.contracts.QueueNames#bulkLaneOf}). See {@link Lanes}.
 */
public enum Lane {
    PROMPT,
    BULK
}
