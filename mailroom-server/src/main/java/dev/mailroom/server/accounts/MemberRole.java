package dev.mailroom.server.accounts;

import dev.mailroom.server.security.Scope;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** A person's role in one organization, and the scopes it gives. */
public enum MemberRole {
    /** Everything an admin may do, and making or removing owners. */
    OWNER(EnumSet.allOf(Scope.class)),
    /** Send, read, manage users (not owners) and keys. */
    ADMIN(EnumSet.allOf(Scope.class)),
    /** Read only. */
    VIEWER(EnumSet.of(Scope.READ));

    private final Set<Scope> scopes;

    MemberRole(Set<Scope> scopes) {
        this.scopes = scopes;
    }

    public Set<Scope> scopes() {
        return scopes;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MemberRole> parse(String text) {
        return Arrays.stream(values()).filter(r -> r.value().equals(text)).findFirst();
    }
}
