package dev.personaforge.dataset;

import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Assigns every pair to training or validation, deterministically, so the same pairs and seed always give the
 * same split.
 *
 * <p>Pinned pairs keep their split. The validation target is {@code round(total × ratio)}, at least 1 when there
 * are two or more pairs and the ratio is above 0, and at most {@code total − 1} so training always keeps a pair;
 * pinned validation pairs count toward it. The remaining slots go to the automatic pairs with the smallest
 * {@code SHA-256(seed + ":" + pairHash)}, ties broken by id. Because the rank depends only on a pair's own hash,
 * adding or removing a pair moves at most a few others.
 */
public final class DatasetSplitter {

    /** The largest validation ratio accepted. */
    public static final double MAX_RATIO = 0.5;

    private record Ranked(SplitInput input, String rank) {
    }

    /**
     * Maps every pair's id to {@link PairSplit#TRAIN} or {@link PairSplit#VALIDATION}.
     *
     * @return an unmodifiable map, iterated in id order
     * @throws IllegalArgumentException when the ratio is outside [0.0, 0.5] or two pairs share an id
     */
    public Map<Long, PairSplit> assign(List<SplitInput> pairs, double validationRatio, long seed) {
        if (!(validationRatio >= 0.0 && validationRatio <= MAX_RATIO)) {
            throw new IllegalArgumentException("the validation ratio must be between 0.0 and 0.5, was "
                    + validationRatio);
        }
        requireUniqueIds(pairs);
        Map<Long, PairSplit> result = new TreeMap<>();
        long pinnedValidation = 0;
        for (SplitInput pair : pairs) {
            if (pair.pinned() != PairSplit.AUTO) {
                result.put(pair.id(), pair.pinned());
                pinnedValidation += pair.pinned() == PairSplit.VALIDATION ? 1 : 0;
            }
        }
        long slots = Math.max(0, target(pairs.size(), validationRatio) - pinnedValidation);
        List<Ranked> automatic = pairs.stream()
                .filter(p -> p.pinned() == PairSplit.AUTO)
                .map(p -> new Ranked(p, PairHash.sha256Hex(seed + ":" + p.pairHash())))
                .sorted(Comparator.comparing(Ranked::rank).thenComparingLong(r -> r.input().id()))
                .toList();
        for (int i = 0; i < automatic.size(); i++) {
            result.put(automatic.get(i).input().id(), i < slots ? PairSplit.VALIDATION : PairSplit.TRAIN);
        }
        return Collections.unmodifiableMap(result);
    }

    /** How many validation pairs the ratio asks for among {@code total} pairs. */
    public static long target(int total, double validationRatio) {
        if (total < 2 || validationRatio <= 0.0) {
            return 0;
        }
        long wanted = Math.max(1, Math.round(total * validationRatio));
        return Math.min(wanted, total - 1L);
    }

    private static void requireUniqueIds(List<SplitInput> pairs) {
        Set<Long> ids = new HashSet<>();
        for (SplitInput pair : pairs) {
            if (!ids.add(pair.id())) {
                throw new IllegalArgumentException("pair id " + pair.id() + " appears twice");
            }
        }
    }
}
