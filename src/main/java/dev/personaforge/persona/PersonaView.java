package dev.personaforge.persona;

import java.time.Instant;

/** A persona as returned by the API. */
public record PersonaView(long id, String name, String slug, String description, String systemPrompt,
                          String baseModel, String language, double validationRatio, long splitSeed,
                          long pairCount, Instant createdAt, Instant updatedAt) {

    public static PersonaView of(Persona p, long pairCount) {
        return new PersonaView(p.id, p.name, p.slug, p.description, p.systemPrompt, p.baseModel, p.language,
                p.validationRatio, p.splitSeed, pairCount, p.createdAt, p.updatedAt);
    }
}
