/**
 * The Java client: {@link dev.mailroom.client.MailroomClient} submits emails over REST (with an Idempotency-Key reused
 * on every retry) or straight to the mailbox queue over AMQP (with the broker's confirm), and reads messages and
 * members over REST; {@link dev.mailroom.client.WebhookVerifier} checks Mailroom's outbound webhooks (Standard
 * Webhooks). Depends on the contracts, the JDK's HTTP client and the RabbitMQ AMQP client only.
 */
package dev.mailroom.client;
