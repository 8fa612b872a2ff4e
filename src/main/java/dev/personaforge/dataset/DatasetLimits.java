package dev.personaforge.dataset;

/**
 * Size limits applied while importing, so one upload can't exhaust memory or flood the page with errors.
 *
 * @param maxFieldChars   the most characters (code points) one prompt, completion or system text may have
 * @param maxPairs        the most pairs one file may hold
 * @param maxErrorsListed the most errors listed in a {@link ParseResult}; the total is still counted
 */
public record DatasetLimits(int maxFieldChars, int maxPairs, int maxErrorsListed) {

    /** 16,000 characters per field, 50,000 pairs per file, 100 errors listed. */
    public static final DatasetLimits DEFAULT = new DatasetLimits(16_000, 50_000, 100);

    public DatasetLimits {
        if (maxFieldChars < 1 || maxPairs < 1 || maxErrorsListed < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxFieldChars + ", " + maxPairs
                    + ", " + maxErrorsListed);
        }
    }
}
