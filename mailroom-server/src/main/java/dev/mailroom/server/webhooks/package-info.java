/**
 * The webhook sink ({@code POST /webhooks/{provider}}): bounds and authenticates each call through the
 * provider receiver, sanitizes the reports and publishes them to {@code mailroom.tracking} before answering.
 */
package dev.mailroom.server.webhooks;
