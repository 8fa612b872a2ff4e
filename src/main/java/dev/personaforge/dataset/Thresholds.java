package dev.personaforge.dataset;

/**
 * The numbers behind the {@link DatasetAnalyzer}'s warnings.
 *
 * @param minPairsForTraining fewer usable pairs than this blocks training
 * @param recommendedPairs    fewer usable pairs than this gives a warning
 * @param longPairChars       a pair with more characters (prompt and completion together) is called long
 * @param longPairTokens      a pair with more tokens is called long, when tokens can be counted
 */
public record Thresholds(int minPairsForTraining, int recommendedPairs, int longPairChars, int longPairTokens) {

    /** 10 pairs to train, 50 recommended, long above 4,000 characters or 512 tokens. */
    public static final Thresholds DEFAULT = new Thresholds(10, 50, 4000, 512);

    public Thresholds {
        if (minPairsForTraining < 1 || recommendedPairs < minPairsForTraining || longPairChars < 1
                || longPairTokens < 1) {
            throw new IllegalArgumentException("thresholds must be positive with recommendedPairs at least"
                    + " minPairsForTraining: " + minPairsForTraining + ", " + recommendedPairs + ", "
                    + longPairChars + ", " + longPairTokens);
        }
    }
}
