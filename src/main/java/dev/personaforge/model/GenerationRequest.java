package dev.personaforge.model;

import java.util.List;

/**
 * One sequence to continue: prompt token ids, the adapter to use (null for the base model), the
 * sampling settings, and how many log-probabilities to report per generated token.
 *
 * @param topLogprobs -1: none; 0: the chosen token's log-probability only; k: also the k most likely
 *     tokens at each position (see {@link TokenLogprob})
 */
public record GenerationRequest(long[] promptIds, LoraAdapter adapter, SamplingParams sampling, int topLogprobs) {
    public GenerationRequest {
        if (promptIds == null || promptIds.length == 0) {
            throw new IllegalArgumentException("promptIds must not be empty");
        }
        if (sampling == null) {
            throw new IllegalArgumentException("sampling must not be null");
        }
        if (topLogprobs < -1) {
            throw new IllegalArgumentException("topLogprobs must be -1 (off) or >= 0, got " + topLogprobs);
        }
        promptIds = promptIds.clone();
    }

    /** A request without log-probabilities. */
    public GenerationRequest(long[] promptIds, LoraAdapter adapter, SamplingParams sampling) {
        this(promptIds, adapter, sampling, -1);
    }

    /** The same request with another token budget. */
    public GenerationRequest withMax(int maxNewTokens) {
        return new GenerationRequest(promptIds, adapter, sampling.withMaxNewTokens(maxNewTokens), topLogprobs);
    }

    /** The same request, reporting each token's log-probability and the {@code k} most likely alternatives. */
    public GenerationRequest withLogprobs(int k) {
        return new GenerationRequest(promptIds, adapter, sampling, k);
    }

    /** True when each generated token's log-probability is to be reported. */
    public boolean wantsLogprobs() {
        return topLogprobs >= 0;
    }

    /** A chat turn: {@code messages} rendered with the model's chat template plus the assistant cue. */
    public static GenerationRequest chat(LanguageModel model, List<ChatMessage> messages, LoraAdapter adapter, SamplingParams sampling) {
        return new GenerationRequest(model.encodeChat(messages), adapter, sampling);
    }
}
