package dev.personaforge.persona;

/**
 * What a person submits to create or edit a persona; nulls mean "use the default" for the optional fields.
 * Validation happens in {@link PersonaService}, which reports every problem at once.
 */
public record PersonaInput(
        String name,
        String description,
        String systemPrompt,
        String baseModel,
        String language,
        Double validationRatio,
        Long splitSeed) {

    public static final String DEFAULT_BASE_MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct";
    public static final String DEFAULT_LANGUAGE = "en";
    public static final double DEFAULT_VALIDATION_RATIO = 0.1;
    public static final long DEFAULT_SPLIT_SEED = 42;

    public static PersonaInput of(Persona p) {
        return new PersonaInput(p.name, p.description, p.systemPrompt, p.baseModel, p.language,
                p.validationRatio, p.splitSeed);
    }
}
