package dev.mailroom.server.accounts;

/**
 * How long an organization's emails are kept, in days: their content (bodies, attachments) and their history (the
 * email, its recipients, tags and timeline). The operator's retention worker deletes what is older
 * (dev.mailroom.server.operator.RetentionWorker); the columns are {@code organizations.content_retention_days} and
 * {@code history_retention_days} (V20), whose check constraint says the same as {@link #MIN_DAYS}, {@link #MAX_DAYS}
 * and "content at most as long as the history".
 */
public record RetentionSettings(int contentDays, int historyDays) {
    public static final int DEFAULT_CONTENT_DAYS = 30;
    public static final int DEFAULT_HISTORY_DAYS = 400;
    public static final int MIN_DAYS = 1;
    /** Ten years: a longer setting is more likely a mistake than a wish, and the column check refuses it too. */
    public static final int MAX_DAYS = 3650;

    public static final RetentionSettings DEFAULTS = new RetentionSettings(DEFAULT_CONTENT_DAYS, DEFAULT_HISTORY_DAYS);
}
