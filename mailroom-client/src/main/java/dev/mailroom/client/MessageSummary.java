package dev.mailroom.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A message as {@code GET /api/v1/messages} lists it (no timeline: read it with {@link MailroomClient#getMessage}). */
public record MessageSummary(
        UUID id,
        String status,
        String from,
        String subject,
        List<RecipientStatus> recipients,
        List<String> tags,
        String provider,
        Instant createdAt,
        Instant updatedAt) {}
