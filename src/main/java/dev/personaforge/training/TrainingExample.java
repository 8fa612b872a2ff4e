package dev.personaforge.training;

/** One persona training pair: an optional system prompt, the user's prompt and the desired completion. */
public record TrainingExample(String systemPrompt, String prompt, String completion) {
    public TrainingExample {
        if (prompt == null || prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        if (completion == null || completion.isEmpty()) {
            throw new IllegalArgumentException("completion must not be empty");
        }
        systemPrompt = systemPrompt == null ? "" : systemPrompt;
    }
}
