package dev.mailroom.server.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A {@link Caller} as Spring Security's authentication: its scopes, and PLATFORM, as authorities. */
public final class CallerAuthentication {
    private CallerAuthentication() {}

    public static Authentication of(Caller caller) {
        List<GrantedAuthority> rights = new ArrayList<>();
        caller.scopes().forEach(s -> rights.add(new SimpleGrantedAuthority(s.authority())));
        if (caller.platform()) {
            rights.add(new SimpleGrantedAuthority(Authorities.role(Authorities.PLATFORM)));
        }
        return UsernamePasswordAuthenticationToken.authenticated(caller, null, rights);
    }
}
