package dev.personaforge.model;

import java.util.List;

/**
 * One sequence to continue: prompt token ids, the adapter to use (null for the base model) and the
 * sampling settings.
 */
public record GenerationRequest(long[] promptIds, LoraAdapter adapter, SamplingParams sampling) {
    public GenerationRequest {
        if (promptIds == null || promptIds.length == 0) {
            throw new IllegalArgumentException("promptIds must not be empty");
        }
        if (sampling == null) {
            throw new IllegalArgumentException("sampling must not be null");
        }
        promptIds = promptIds.clone();
    }

    /** The same request with another token budget. */
    public GenerationRequest withMax(int maxNewTokens) {
        return new GenerationRequest(promptIds, adapter, sampling.withMaxNewTokens(maxNewTokens));
    }

    /** A chat turn: {@code messages} rendered with the model's chat template plus the assistant cue. */
    public static GenerationRequest chat(LanguageModel model, List<ChatMessage> messages, LoraAdapter adapter, SamplingParams sampling) {
        return new GenerationRequest(model.encodeChat(messages), adapter, sampling);
    }
}
