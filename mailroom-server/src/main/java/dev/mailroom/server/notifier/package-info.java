/**
 * The notifier role (issue 13): delivers events of an organization's emails to the organization's own webhook
 * endpoints as Standard Webhooks POSTs, signed with every secret of the endpoint not expired. Fed by
 * {@code mailroom.notifications}; writes only {@code webhook_deliveries} and {@code webhook_attempts} (and
 * {@code webhook_erasures}, its part of an erasure: {@link dev.mailroom.server.notifier.DeliveryErasures}), on a pool
 * of its own ({@link dev.mailroom.server.notifier.NotifierDatabase}); disables an endpoint that keeps failing through
 * {@code accounts}. {@link dev.mailroom.server.notifier.DeliveryTargets} is the one rule of which URLs may be called.
 */
package dev.mailroom.server.notifier;
