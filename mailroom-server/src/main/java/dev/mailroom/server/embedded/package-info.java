/**
 * The zero-configuration run: an embedded AMQP broker (Qpid, persistent store) and database under the
 * data directory, started only when no RabbitMQ or PostgreSQL is configured.
 */
package dev.mailroom.server.embedded;
