/**
 * Organizations, the people who sign in to them, API keys and the organizations' webhook endpoints: the
 * account data. This package is the only writer of its tables ({@code organizations}, {@code users},
 * {@code memberships}, {@code api_keys}, {@code send_counts}, {@code webhook_endpoints}, {@code webhook_secrets})
 * and writes nothing else (the notifier disables a failing endpoint through
 * {@link dev.mailroom.server.accounts.WebhookEndpoints}); the operator stays the only writer of the email
 * history. An organization's retention settings ({@link dev.mailroom.server.accounts.RetentionSettings}: how long its
 * emails keep their content and their history) are columns of {@code organizations}, written here and read by the
 * operator, which deletes what is older. It runs in processes with the API role, on a small pool of its own
 * ({@link dev.mailroom.server.accounts.AccountsDatabase}) because the API's main pool is read-only.
 *
 * <p>It owns: who a bearer key is (a hash lookup, re-checked every few seconds so that a revoked key
 * stops working on every API process, last use recorded in batches rather than per request), who a
 * signed-in person is and which organization they act for, password rules and sign-in lockout, optional
 * single sign-on through OpenID Connect (a provider vouches for an email; the user with it signs in, nobody
 * is created), the first run's platform operator, the configured bootstrap keys, and the installation's
 * internal key with which the API signs what it puts in the mailbox
 * ({@link dev.mailroom.server.accounts.InternalKey}; every key's {@code public_id} names it on a signed queue
 * message, which the operator checks). The REST surface is in {@code api}
 * ({@link dev.mailroom.server.accounts.Accounts} is what it calls); Spring Security's chain in
 * {@code security}.
 */
package dev.mailroom.server.accounts;
