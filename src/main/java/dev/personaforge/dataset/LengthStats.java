package dev.personaforge.dataset;

import java.util.Arrays;

/**
 * Summary of a list of lengths (characters or tokens).
 *
 * @param count  how many values were summarized
 * @param min    the smallest, 0 when there are none
 * @param max    the largest, 0 when there are none
 * @param mean   the average, 0 when there are none
 * @param median the middle value, or the average of the two middle values
 * @param p95    the 95th percentile by the nearest-rank method: 95 % of values are at most this
 */
public record LengthStats(int count, int min, int max, double mean, double median, int p95) {

    /** The summary of no values. */
    public static final LengthStats EMPTY = new LengthStats(0, 0, 0, 0, 0, 0);

    public LengthStats {
        if (count < 0 || min > max || (count > 0 && (mean < min || mean > max || p95 < min || p95 > max))) {
            throw new IllegalArgumentException("inconsistent length stats: count " + count + ", min " + min
                    + ", max " + max + ", mean " + mean + ", p95 " + p95);
        }
    }

    /** Summarizes the values; the array is not changed. */
    public static LengthStats of(int[] values) {
        if (values.length == 0) {
            return EMPTY;
        }
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double mean = Arrays.stream(sorted).asLongStream().sum() / (double) n;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + (double) sorted[n / 2]) / 2;
        int p95 = sorted[(int) Math.ceil(0.95 * n) - 1];
        return new LengthStats(n, sorted[0], sorted[n - 1], mean, median, p95);
    }
}
