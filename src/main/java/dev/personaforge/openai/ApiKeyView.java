package dev.personaforge.openai;

import java.time.Instant;

/** A key as lists show it: never the key, only its prefix, name and dates. */
public record ApiKeyView(long id, String name, String prefix, Instant createdAt, Instant lastUsedAt) {

    static ApiKeyView of(ApiKey key) {
        return new ApiKeyView(key.id, key.name, key.prefix, key.createdAt, key.lastUsedAt);
    }
}
