/**
 * Takes dispatch commands from {@code mailroom.dispatching}, checks each email once, picks a provider
 * (default, failover, circuit breakers, rate limits) and reports every outcome to {@code mailroom.tracking}.
 */
package dev.mailroom.server.dispatcher;
