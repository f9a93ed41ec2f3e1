package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void noRolesConfiguredMeansAllRoles() {
        assertThat(Role.parse(null)).isEqualTo(EnumSet.allOf(Role.class));
        assertThat(Role.parse(" ")).isEqualTo(EnumSet.allOf(Role.class));
    }

    @Test
    void rolesAreReadCaseInsensitivelyWithSpaces() {
        assertThat(Role.parse("Operator, dispatcher")).containsExactlyInAnyOrder(Role.OPERATOR, Role.DISPATCHER);
    }

    @Test
    void anUnknownRoleIsNamedWithTheValidOnes() {
        assertThatThrownBy(() -> Role.parse("api,mailman"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mailman")
                .hasMessageContaining("api,webhooks,operator,dispatcher,notifier");
    }

    @Test
    void onlyTheOperatorTheApiAndTheNotifierNeedTheDatabase() {
        assertThat(Role.needsDatabase(EnumSet.of(Role.DISPATCHER, Role.WEBHOOKS)))
                .isFalse();
        assertThat(Role.needsDatabase(EnumSet.of(Role.API))).isTrue();
        assertThat(Role.needsDatabase(EnumSet.of(Role.OPERATOR))).isTrue();
        assertThat(Role.needsDatabase(EnumSet.of(Role.NOTIFIER))).isTrue();
    }
}
