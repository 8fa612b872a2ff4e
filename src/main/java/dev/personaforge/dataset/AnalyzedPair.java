package dev.personaforge.dataset;

/**
 * One of a persona's pairs as seen by the {@link DatasetAnalyzer}.
 *
 * @param id             the pair's id
 * @param prompt         the user's text; null counts as empty
 * @param completion     the persona's answer; null counts as empty
 * @param effectiveSplit the split the pair trains in, as assigned by {@link DatasetSplitter}; null or
 *                       {@link PairSplit#AUTO} counts as training
 */
public record AnalyzedPair(long id, String prompt, String completion, PairSplit effectiveSplit) {

    public AnalyzedPair {
        prompt = prompt == null ? "" : prompt;
        completion = completion == null ? "" : completion;
        effectiveSplit = effectiveSplit == null ? PairSplit.AUTO : effectiveSplit;
    }

    /** True when both texts have something besides whitespace. */
    public boolean usable() {
        return !prompt.isBlank() && !completion.isBlank();
    }
}
