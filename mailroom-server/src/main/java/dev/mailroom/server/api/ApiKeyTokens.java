package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.security.Authorities;
import dev.mailroom.server.security.BearerTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * The API keys as bearer tokens for the security chain. The principal is the {@link ApiKeys.Caller}
 * (its organization scopes every query; controllers take it as {@code @AuthenticationPrincipal});
 * every key has the role API, an admin key ADMIN too. The key itself is not kept.
 */
@Component
@ConditionalOnRole(Role.API)
class ApiKeyTokens implements BearerTokens {
    private final ApiKeys keys;

    ApiKeyTokens(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public Optional<Authentication> authenticate(String token) {
        return keys.callerFor(token).map(caller -> {
            List<GrantedAuthority> rights = new ArrayList<>();
            rights.add(new SimpleGrantedAuthority(Authorities.role(Authorities.API)));
            if (caller.admin()) {
                rights.add(new SimpleGrantedAuthority(Authorities.role(Authorities.ADMIN)));
            }
            return UsernamePasswordAuthenticationToken.authenticated(caller, null, rights);
        });
    }
}
