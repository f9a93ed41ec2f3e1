/**
 * Who may call what, in every process whatever its roles: one Spring Security filter chain
 * ({@link dev.mailroom.server.security.HttpSecurityConfiguration}) that authorizes the route
 * Spring MVC matches, never a prefix of the raw path, and denies whatever it does not name as
 * public. It owns the bearer-token authentication (API keys come from the {@code api} role through
 * {@link dev.mailroom.server.security.BearerTokens}; the metrics token is its own), the
 * problem+json answers for 400 (a path the firewall refuses), 401 and 403, the security headers
 * of every response, and the defaults of a separate management port.
 *
 * <p>It depends on no role package, so that a process without the API (an operator, a dispatcher)
 * has the same chain.
 */
package dev.mailroom.server.security;
