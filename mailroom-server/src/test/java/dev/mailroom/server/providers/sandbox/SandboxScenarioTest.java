package dev.mailroom.server.providers.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxScenarioTest {

    private static List<String> events(String address) {
        return SandboxScenario.forRecipient(address).stream()
                .map(SandboxScenario.Step::event)
                .toList();
    }

    @Test
    void theLocalPartDecidesWhatHappens() {
        assertThat(events("ada@example.org")).containsExactly("delivered");
        assertThat(events("bounce+x@example.org")).containsExactly("bounced");
        assertThat(events("defer@example.org")).containsExactly("deferred", "delivered");
        assertThat(events("complaint-1@example.org")).containsExactly("delivered", "complained");
        assertThat(events("open+x@example.org")).containsExactly("delivered", "opened");
        assertThat(events("CLICK+x@example.org")).containsExactly("delivered", "opened", "clicked");
    }

    @Test
    void onlyTheLocalPartCounts() {
        assertThat(events("ada@bounce.example.org")).containsExactly("delivered");
    }

    @Test
    void aBounceIsHardWithAReason() {
        SandboxScenario.Step bounce =
                SandboxScenario.forRecipient("bounce@example.org").get(0);
        assertThat(bounce.details()).containsEntry("bounceType", "hard").containsKey("reason");
    }
}
