package dev.mailroom.server;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The parts of Mailroom one process can run; {@code mailroom.roles} picks them (default: all). */
public enum Role {
    API,
    WEBHOOKS,
    OPERATOR,
    DISPATCHER,
    /** Delivers events to organizations' own webhook endpoints (issue 13); writes only its two tables. */
    NOTIFIER;

    public static final String PROPERTY = "mailroom.roles";

    /**
     * Parses a comma-separated role list.
     *
     * @throws IllegalArgumentException naming the unknown role and the valid ones
     */
    public static Set<Role> parse(String value) {
        if (value == null || value.isBlank()) {
            return EnumSet.allOf(Role.class);
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : value.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            try {
                roles.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown role '" + name + "' in " + PROPERTY + "; use any of "
                        + Arrays.stream(values())
                                .map(r -> r.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(",")));
            }
        }
        return roles;
    }

    /**
     * The database is for the operator (writes), the API (reads) and the notifier (its delivery log, on a pool of its
     * own).
     */
    public static boolean needsDatabase(Set<Role> roles) {
        return roles.contains(OPERATOR) || roles.contains(API) || roles.contains(NOTIFIER);
    }
}
