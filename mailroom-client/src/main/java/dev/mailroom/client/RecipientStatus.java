package dev.mailroom.client;

import java.util.List;

/**
 * A recipient of a message and its own current status.
 *
 * @param kind       {@code to}, {@code cc} or {@code bcc}
 * @param activities the message's steps that concern this recipient; only in {@link MessageDetails}, null in lists
 */
public record RecipientStatus(
        String kind, String email, String name, String memberId, String status, List<Activity> activities) {}
