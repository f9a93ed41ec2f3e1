package dev.mailroom.server;

/** Implemented by the API so the start-up banner can show the key without depending on the api package. */
public interface ApiKeyHint {
    String apiKeyForDisplay();
}
