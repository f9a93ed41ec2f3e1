/**
 * The Contract shared by Mailroom and every application that talks to it: queue names, versioned message
 * types and their records, statuses and their precedence, the email's rules, and the JSON that carries them.
 */
package dev.mailroom.contracts;
