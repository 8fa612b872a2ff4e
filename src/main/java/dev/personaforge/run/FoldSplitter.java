package dev.personaforge.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Splits n items into k disjoint folds that together hold every item once: the indices are shuffled with the
 * seed (Fisher–Yates over {@link Random}, whose sequence Java specifies, so a seed gives the same folds on every
 * machine), then cut into k contiguous runs whose sizes differ by at most one, the larger ones first.
 */
public final class FoldSplitter {

    private FoldSplitter() {
    }

    /** The item indices (0..n-1) of each fold, fold 0 first; each fold's indices in shuffled order. */
    public static List<List<Integer>> split(int n, int k, long seed) {
        if (k < 2) {
            throw new IllegalArgumentException("k-fold splitting needs at least 2 folds, not " + k);
        }
        if (n < k) {
            throw new IllegalArgumentException(n + " items cannot fill " + k + " folds");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<List<Integer>> folds = new ArrayList<>(k);
        int start = 0;
        for (int f = 0; f < k; f++) {
            int size = n / k + (f < n % k ? 1 : 0);
            List<Integer> fold = new ArrayList<>(size);
            for (int i = start; i < start + size; i++) {
                fold.add(order[i]);
            }
            folds.add(List.copyOf(fold));
            start += size;
        }
        return List.copyOf(folds);
    }
}
