/**
 * What provider packages share and none owns: the HTTP client, HTTP answers as outcomes, MIME
 * writing, text clean-up and signed-timestamp freshness. Not a provider; it depends on none.
 */
package dev.mailroom.server.providers.support;
