package dev.personaforge.dataset;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DatasetSplitterTest {

    private final DatasetSplitter splitter = new DatasetSplitter();

    private static List<SplitInput> pairs(int count) {
        return LongStream.rangeClosed(1, count)
                .mapToObj(id -> new SplitInput(id, PairHash.of("prompt " + id, "completion " + id), PairSplit.AUTO))
                .toList();
    }

    private static long count(Map<Long, PairSplit> result, PairSplit split) {
        return result.values().stream().filter(s -> s == split).count();
    }

    @Test
    void sameInputsGiveTheSameOutput() {
        assertEquals(splitter.assign(pairs(100), 0.1, 42), splitter.assign(pairs(100), 0.1, 42));
    }

    @Test
    void inputOrderDoesNotMatter() {
        List<SplitInput> shuffled = new ArrayList<>(pairs(100));
        Collections.shuffle(shuffled, new Random(7));
        assertEquals(splitter.assign(pairs(100), 0.2, 42), splitter.assign(shuffled, 0.2, 42));
    }

    @Test
    void seedChangesTheChoice() {
        assertNotEquals(splitter.assign(pairs(100), 0.2, 1), splitter.assign(pairs(100), 0.2, 2));
    }

    @Test
    void everyIdGetsTrainOrValidation() {
        Map<Long, PairSplit> result = splitter.assign(pairs(37), 0.1, 3);
        assertEquals(37, result.size());
        assertEquals(0, count(result, PairSplit.AUTO));
    }

    @Test
    void exactCountsAreRoundedTotalTimesRatio() {
        assertEquals(10, count(splitter.assign(pairs(100), 0.1, 0), PairSplit.VALIDATION));
        assertEquals(4, count(splitter.assign(pairs(37), 0.1, 0), PairSplit.VALIDATION));
        assertEquals(2, count(splitter.assign(pairs(5), 0.3, 0), PairSplit.VALIDATION));
        assertEquals(0, count(splitter.assign(pairs(100), 0.0, 0), PairSplit.VALIDATION));
    }

    @Test
    void atLeastOneValidationPairFromTwoPairsButNeverTheOnlyPair() {
        assertEquals(1, count(splitter.assign(pairs(2), 0.01, 0), PairSplit.VALIDATION));
        assertEquals(1, count(splitter.assign(pairs(3), 0.05, 0), PairSplit.VALIDATION));
        assertEquals(0, count(splitter.assign(pairs(1), 0.5, 0), PairSplit.VALIDATION));
        assertEquals(0, count(splitter.assign(List.of(), 0.5, 0), PairSplit.VALIDATION));
    }

    @Test
    void pinnedPairsKeepTheirSplitAndPinnedValidationCountsTowardTheTarget() {
        List<SplitInput> inputs = new ArrayList<>(pairs(20));
        inputs.set(0, new SplitInput(1, inputs.get(0).pairHash(), PairSplit.VALIDATION));
        inputs.set(1, new SplitInput(2, inputs.get(1).pairHash(), PairSplit.VALIDATION));
        inputs.set(2, new SplitInput(3, inputs.get(2).pairHash(), PairSplit.TRAIN));
        Map<Long, PairSplit> result = splitter.assign(inputs, 0.2, 9);
        assertEquals(PairSplit.VALIDATION, result.get(1L));
        assertEquals(PairSplit.VALIDATION, result.get(2L));
        assertEquals(PairSplit.TRAIN, result.get(3L));
        assertEquals(4, count(result, PairSplit.VALIDATION));
    }

    @Test
    void morePinnedValidationThanTheTargetLeavesAllAutoPairsInTraining() {
        List<SplitInput> inputs = new ArrayList<>(pairs(10));
        for (int i = 0; i < 3; i++) {
            inputs.set(i, new SplitInput(i + 1, inputs.get(i).pairHash(), PairSplit.VALIDATION));
        }
        Map<Long, PairSplit> result = splitter.assign(inputs, 0.1, 9);
        assertEquals(3, count(result, PairSplit.VALIDATION));
    }

    @Test
    void validationPicksTheSmallestSeededHashes() {
        List<SplitInput> inputs = pairs(10);
        SplitInput smallest = inputs.stream()
                .min(Comparator.comparing((SplitInput p) -> PairHash.sha256Hex("5:" + p.pairHash())))
                .orElseThrow();
        Map<Long, PairSplit> result = splitter.assign(inputs, 0.1, 5);
        assertEquals(Map.of(smallest.id(), PairSplit.VALIDATION),
                Map.of(smallest.id(), result.get(smallest.id())));
        assertEquals(1, count(result, PairSplit.VALIDATION));
    }

    @Test
    void tiesAreBrokenById() {
        String hash = PairHash.of("same", "same");
        List<SplitInput> inputs = List.of(new SplitInput(9, hash, null), new SplitInput(4, hash, null),
                new SplitInput(6, hash, null));
        Map<Long, PairSplit> result = splitter.assign(inputs, 0.34, 0);
        assertEquals(Map.of(4L, PairSplit.VALIDATION, 6L, PairSplit.TRAIN, 9L, PairSplit.TRAIN), result);
    }

    @Test
    void addingAPairMovesFewOthers() {
        Map<Long, PairSplit> before = splitter.assign(pairs(200), 0.1, 1);
        Map<Long, PairSplit> after = splitter.assign(pairs(201), 0.1, 1);
        long moved = before.keySet().stream().filter(id -> before.get(id) != after.get(id)).count();
        assertEquals(true, moved <= 2, "moved " + moved);
    }

    @Test
    void ratioOutsideTheRangeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> splitter.assign(pairs(10), 0.51, 0));
        assertThrows(IllegalArgumentException.class, () -> splitter.assign(pairs(10), -0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> splitter.assign(pairs(10), Double.NaN, 0));
    }

    @Test
    void duplicateIdsAreRejected() {
        SplitInput pair = pairs(1).get(0);
        assertThrows(IllegalArgumentException.class, () -> splitter.assign(List.of(pair, pair), 0.1, 0));
    }
}
