package dev.personaforge.model;

import java.util.List;

/**
 * How to pick each next token. {@code doSample == false} is greedy decoding; otherwise logits are
 * divided by {@code temperature}, cut to the {@code topK} best (0 = off) and to the smallest set with
 * probability mass {@code topP} (1 = off), then sampled with a generator seeded by {@code seed}.
 * {@code repetitionPenalty} (1 = off) follows transformers: logits of tokens already in the sequence
 * are divided by it when positive, multiplied when negative.
 */
public record SamplingParams(
        boolean doSample,
        double temperature,
        int topK,
        double topP,
        double repetitionPenalty,
        long seed,
        int maxNewTokens,
        List<String> stopStrings) {

    public SamplingParams {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetitionPenalty must be > 0, got " + repetitionPenalty);
        }
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be > 0, got " + maxNewTokens);
        }
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stopStrings must not contain an empty string");
            }
        }
    }

    /** Greedy decoding of up to {@code maxNewTokens}. */
    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(false, 1.0, 0, 1.0, 1.0, 0, maxNewTokens, List.of());
    }

    /** Sampling with temperature, top-k and top-p. */
    public static SamplingParams sample(double temperature, int topK, double topP, long seed, int maxNewTokens) {
        return new SamplingParams(true, temperature, topK, topP, 1.0, seed, maxNewTokens, List.of());
    }

    public SamplingParams withRepetitionPenalty(double penalty) {
        return new SamplingParams(doSample, temperature, topK, topP, penalty, seed, maxNewTokens, stopStrings);
    }

    public SamplingParams withStopStrings(List<String> stops) {
        return new SamplingParams(doSample, temperature, topK, topP, repetitionPenalty, seed, maxNewTokens, stops);
    }

    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(doSample, temperature, topK, topP, repetitionPenalty, newSeed, maxNewTokens, stopStrings);
    }

    public SamplingParams withMaxNewTokens(int max) {
        return new SamplingParams(doSample, temperature, topK, topP, repetitionPenalty, seed, max, stopStrings);
    }
}
