/**
 * How Mailroom talks to its broker: the queues it declares, confirmed publishing, batch consumers and
 * reading queue messages as contract records. No role logic lives here.
 */
package dev.mailroom.server.messaging;
