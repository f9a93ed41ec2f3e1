/**
 * The dashboard: static pages served to the browser, which read everything through the REST API.
 * It holds no data and no rules of its own.
 */
package dev.mailroom.server.dashboard;
