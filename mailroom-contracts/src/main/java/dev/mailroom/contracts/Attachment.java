package dev.mailroom.contracts;

/** A file sent with an email; {@code content} is base64. */
public record Attachment(String filename, String contentType, String content) {}
