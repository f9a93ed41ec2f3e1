/**
 * The application: its typed properties, input limits, data directory and startup banner. Each role
 * lives in a package of its own ({@code api}, {@code operator}, {@code dispatcher}, {@code webhooks}, ...).
 */
package dev.mailroom.server;
