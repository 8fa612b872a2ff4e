package dev.personaforge.chat;

import dev.personaforge.common.FieldProblem;
import dev.personaforge.common.ValidationException;
import dev.personaforge.model.SamplingParams;

import java.util.ArrayList;
import java.util.List;

/**
 * The sampling settings every column of a side-by-side chat shares, so that differences between columns come
 * from the models alone. A temperature of 0 means greedy decoding.
 */
public record ChatSettings(double temperature, double topP, int maxTokens, long seed) {

    /** The most new tokens one reply may ask for. */
    public static final int MAX_TOKENS_LIMIT = 2048;

    public static final ChatSettings DEFAULTS = new ChatSettings(0.7, 0.9, 200, 42);

    /**
     * These settings with every non-null value replaced; rejects values out of range with a 400 naming each
     * field ({@code temperature}, {@code topP}, {@code maxTokens}).
     */
    public ChatSettings with(Double newTemperature, Double newTopP, Integer newMaxTokens, Long newSeed) {
        ChatSettings merged = new ChatSettings(
                newTemperature == null ? temperature : newTemperature,
                newTopP == null ? topP : newTopP,
                newMaxTokens == null ? maxTokens : newMaxTokens,
                newSeed == null ? seed : newSeed);
        merged.validate();
        return merged;
    }

    /** Throws a {@link ValidationException} listing every value out of range. */
    public void validate() {
        List<FieldProblem> problems = new ArrayList<>();
        if (!(temperature >= 0 && temperature <= 5)) {
            problems.add(new FieldProblem("temperature", "must be between 0 (greedy) and 5, not " + temperature));
        }
        if (!(topP > 0 && topP <= 1)) {
            problems.add(new FieldProblem("topP", "must be greater than 0 and at most 1, not " + topP));
        }
        if (maxTokens <= 0 || maxTokens > MAX_TOKENS_LIMIT) {
            problems.add(new FieldProblem("maxTokens", "must be between 1 and " + MAX_TOKENS_LIMIT + ", not " + maxTokens));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
    }

    /** The engine's sampling parameters for these settings. */
    public SamplingParams toSampling() {
        return temperature == 0
                ? SamplingParams.greedy(maxTokens)
                : SamplingParams.sample(temperature, 0, topP, seed, maxTokens);
    }
}
