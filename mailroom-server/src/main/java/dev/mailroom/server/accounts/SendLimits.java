package dev.mailroom.server.accounts;

import java.util.EnumMap;
import java.util.Map;

/**
 * Emails an organization may submit per rolling second, minute, hour and day; null means no limit for that
 * window. A plan's limits ({@code mailroom.accounts.plans.<plan>.per-minute=1000}) and an organization's own
 * overrides have this shape.
 */
public record SendLimits(Integer perSecond, Integer perMinute, Integer perHour, Integer perDay) {
    public static final SendLimits NONE = new SendLimits(null, null, null, null);

    public Integer of(SendWindow window) {
        return switch (window) {
            case PER_SECOND -> perSecond;
            case PER_MINUTE -> perMinute;
            case PER_HOUR -> perHour;
            case PER_DAY -> perDay;
        };
    }

    public boolean isEmpty() {
        return perSecond == null && perMinute == null && perHour == null && perDay == null;
    }

    /** These limits with each window the overrides set taken from them. */
    SendLimits overriddenBy(SendLimits overrides) {
        return new SendLimits(
                overrides.perSecond != null ? overrides.perSecond : perSecond,
                overrides.perMinute != null ? overrides.perMinute : perMinute,
                overrides.perHour != null ? overrides.perHour : perHour,
                overrides.perDay != null ? overrides.perDay : perDay);
    }

    Map<SendWindow, Integer> asMap() {
        Map<SendWindow, Integer> map = new EnumMap<>(SendWindow.class);
        for (SendWindow w : SendWindow.values()) {
            if (of(w) != null) {
                map.put(w, of(w));
            }
        }
        return map;
    }
}
