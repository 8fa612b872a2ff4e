package dev.personaforge.model;

import java.util.List;

/**
 * The outcome of one {@link GenerationRequest}.
 *
 * @param logprobs one entry per token of {@code tokenIds} when the request asked for log-probabilities, else null
 */
public record GenerationResult(
        long[] tokenIds,
        String text,
        FinishReason finishReason,
        int promptTokens,
        long timeToFirstTokenNanos,
        long totalNanos,
        List<TokenLogprob> logprobs) {

    public GenerationResult {
        logprobs = logprobs == null ? null : List.copyOf(logprobs);
    }

    /** A result without log-probabilities. */
    public GenerationResult(long[] tokenIds, String text, FinishReason finishReason, int promptTokens,
                            long timeToFirstTokenNanos, long totalNanos) {
        this(tokenIds, text, finishReason, promptTokens, timeToFirstTokenNanos, totalNanos, null);
    }

    /** Why generation of a sequence stopped. */
    public enum FinishReason {
        /** An end-of-sequence token was produced (it is the last of {@code tokenIds}, not part of {@code text}). */
        EOS,
        /** The text reached a stop string; {@code text} ends just before it. */
        STOP_STRING,
        /** {@code maxNewTokens} were produced. */
        MAX_TOKENS,
        /** The model's context ({@code max_position_embeddings}) is full. */
        CONTEXT_LENGTH,
        /** The caller's cancellation check returned true. */
        CANCELLED
    }
}
