/**
 * The Java client: checks an email against the Contract's rules and submits it to Mailroom's mailbox,
 * with the broker's confirm, so that an application knows its email was taken.
 */
package dev.mailroom.client;
