package dev.personaforge.persona;

import java.time.Instant;

/** A persona as listed on the home page and by {@code GET /api/personas}. */
public record PersonaSummary(long id, String name, String slug, String description, String baseModel,
                             String language, long pairCount, Instant updatedAt) {
}
