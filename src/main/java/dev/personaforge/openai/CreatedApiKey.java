package dev.personaforge.openai;

import java.time.Instant;

/** A key just created: the only time the whole {@code key} is shown. */
public record CreatedApiKey(long id, String name, String prefix, Instant createdAt, String key) {
}
