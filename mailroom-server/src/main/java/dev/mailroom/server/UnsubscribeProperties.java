package dev.mailroom.server;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One-click unsubscribe links of bulk email (RFC 8058).
 *
 * @param validFor how long a link works after the email is handed to a dispatcher; mail is read weeks later, and a
 *                 link that stops working makes people press "report spam" instead
 */
@ConfigurationProperties("mailroom.unsubscribe")
public record UnsubscribeProperties(@DefaultValue("P60D") Duration validFor) {
    public UnsubscribeProperties {
        if (validFor == null || validFor.isNegative() || validFor.isZero()) {
            throw new IllegalArgumentException("mailroom.unsubscribe.valid-for must be a positive duration");
        }
    }
}
