package dev.personaforge.openai;

import dev.personaforge.model.SamplingParams;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sampling fields chat and text completions share, read and range-checked.
 *
 * @param temperature 0..2, null for OpenAI's default of 1; 0 is greedy decoding
 * @param topP 0..1, null for 1; 0 keeps only the most likely token (greedy)
 * @param maxTokens at least 1, null for the request kind's default
 * @param seed null draws a random seed, so unseeded sampled answers vary as OpenAI's do
 */
record SamplingFields(Double temperature, Double topP, Integer maxTokens, List<String> stop, Long seed, boolean stream,
                      boolean includeUsage) {

    static SamplingFields read(RequestFields fields, String... maxTokenFields) {
        Integer maxTokens = null;
        for (String name : maxTokenFields) {
            Long value = fields.integer(name, 1, Integer.MAX_VALUE);
            if (value != null && maxTokens == null) {
                maxTokens = value.intValue();
            }
        }
        boolean stream = fields.bool("stream", false);
        return new SamplingFields(fields.number("temperature", 0, 2), fields.number("top_p", 0, 1), maxTokens,
                fields.stop(), fields.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE), stream, fields.includeUsage(stream));
    }

    /** The engine's settings for a completion of at most {@code maxNewTokens}. */
    SamplingParams toSampling(int maxNewTokens) {
        double t = temperature == null ? 1.0 : temperature;
        double p = topP == null ? 1.0 : topP;
        SamplingParams params = t == 0 || p == 0 ? SamplingParams.greedy(maxNewTokens)
                : SamplingParams.sample(t, 0, p, seed != null ? seed : ThreadLocalRandom.current().nextLong(), maxNewTokens);
        return params.withStopStrings(stop);
    }
}
