package dev.mailroom.server.operator;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The suppression lists' automatic entries.
 *
 * @param softBounceLimit soft bounces in a row (no delivery between them) after which an address is suppressed;
 *                        0 never suppresses for soft bounces
 */
@ConfigurationProperties("mailroom.suppression")
public record SuppressionProperties(@DefaultValue("3") int softBounceLimit) {
    public SuppressionProperties {
        if (softBounceLimit < 0) {
            throw new IllegalArgumentException("mailroom.suppression.soft-bounce-limit must be 0 or more");
        }
    }
}
