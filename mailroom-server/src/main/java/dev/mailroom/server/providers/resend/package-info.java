/**
 * The Resend provider: {@link dev.mailroom.server.providers.resend.ResendSender} sends through
 * {@code POST {base-url}/emails} with an {@code Idempotency-Key} derived from our message id, and
 * {@link dev.mailroom.server.providers.resend.ResendWebhookReceiver} reads Resend's webhooks,
 * which Svix delivers and signs (Standard Webhooks v1, see
 * {@link dev.mailroom.server.providers.resend.SvixSignature}).
 *
 * <p>Configuration: {@code mailroom.providers.resend.api-key} (the sender exists when set),
 * {@code base-url} (default {@code https://api.resend.com}) and {@code webhook-secret} (the
 * endpoint's {@code whsec_…} signing secret; the receiver exists when set).
 *
 * <p>What is sent: from, to, cc and bcc as {@code Name <address>}, reply_to, subject, html,
 * text, headers, attachments (base64 content, filename, content_type), and tags: first
 * {@code mailroom_id} = our id, then each of our tags as a tag name (characters Resend does not
 * allow replaced by {@code _}) with the value {@code true}. Message metadata is not sent: Resend
 * has no field for free-form values, and tags would mangle them.
 *
 * <p>Outcomes: 2xx with an id is accepted; 429 (honouring {@code Retry-After}, else
 * {@code ratelimit-reset}), 5xx, 409 {@code concurrent_idempotent_requests} and no answer are
 * retried with the same key; other 4xx are refused for good with Resend's
 * {@code name: message}. Resend keeps idempotency keys for 24 hours, so only a retry later than
 * that could send twice.
 *
 * <p>Events: see {@link dev.mailroom.server.providers.resend.ResendEvents} for the mapping of
 * every event type, how events are matched to messages and which recipient they name.
 */
package dev.mailroom.server.providers.resend;
