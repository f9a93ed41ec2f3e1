package dev.mailroom.server.providers.sandbox;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the sandbox "does" with a recipient, decided by the address's local part (as in the SES
 * mailbox simulator): {@code bounce…@} bounces, {@code defer…@} is deferred then delivered,
 * {@code complaint…@} complains, {@code open…@} opens, {@code click…@} opens and clicks;
 * anything else is delivered.
 */
final class SandboxScenario {
    /** One event the sandbox will report, in order. */
    record Step(String event, Map<String, Object> details) {}

    private SandboxScenario() {}

    static List<Step> forRecipient(String address) {
        String local = address.substring(0, Math.max(0, address.indexOf('@'))).toLowerCase(Locale.ROOT);
        Step delivered = new Step("delivered", Map.of("smtpResponse", "250 2.0.0 OK (sandbox)"));
        if (local.startsWith("bounce")) {
            return List.of(new Step(
                    "bounced", Map.of("bounceType", "hard", "reason", "550 5.1.1 recipient unknown (sandbox)")));
        }
        if (local.startsWith("defer")) {
            return List.of(new Step("deferred", Map.of("reason", "421 4.7.0 try again later (sandbox)")), delivered);
        }
        if (local.startsWith("complaint")) {
            return List.of(delivered, new Step("complained", Map.of("feedbackType", "abuse")));
        }
        if (local.startsWith("open")) {
            return List.of(delivered, opened());
        }
        if (local.startsWith("click")) {
            return List.of(
                    delivered,
                    opened(),
                    new Step(
                            "clicked",
                            Map.of("url", "https://example.com/welcome", "userAgent", "Mailroom-Sandbox/1.0")));
        }
        return List.of(delivered);
    }

    private static Step opened() {
        return new Step("opened", Map.of("userAgent", "Mailroom-Sandbox/1.0", "machineOpen", false));
    }
}
