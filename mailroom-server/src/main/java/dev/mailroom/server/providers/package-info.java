/**
 * What a provider is to Mailroom: a sender ({@link dev.mailroom.server.providers.EmailSender}) and a webhook
 * receiver ({@link dev.mailroom.server.providers.WebhookReceiver}); each provider is one subpackage.
 */
package dev.mailroom.server.providers;
