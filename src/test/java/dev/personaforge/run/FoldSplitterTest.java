package dev.personaforge.run;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoldSplitterTest {

    @Test
    void foldsAreDisjointCoverEveryItemOnceAndDifferInSizeByAtMostOne() {
        for (int n : new int[]{3, 10, 12, 17, 101}) {
            for (int k = 2; k <= Math.min(10, n); k++) {
                List<List<Integer>> folds = FoldSplitter.split(n, k, 42L);
                assertEquals(k, folds.size());
                List<Integer> all = new ArrayList<>();
                folds.forEach(all::addAll);
                assertEquals(n, all.size(), "every item once (n=" + n + ", k=" + k + ")");
                assertEquals(IntStream.range(0, n).boxed().toList(), new ArrayList<>(new TreeSet<>(all)));
                int min = folds.stream().mapToInt(List::size).min().orElseThrow();
                int max = folds.stream().mapToInt(List::size).max().orElseThrow();
                assertTrue(max - min <= 1, "near-equal folds: " + folds);
                for (int f = 1; f < k; f++) {
                    assertTrue(folds.get(f - 1).size() >= folds.get(f).size(), "larger folds first");
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameFoldsAndAnotherSeedOthers() {
        assertEquals(FoldSplitter.split(20, 4, 7L), FoldSplitter.split(20, 4, 7L));
        assertNotEquals(FoldSplitter.split(20, 4, 7L), FoldSplitter.split(20, 4, 8L));
    }

    @Test
    void itemsAreShuffledThenCutIntoContiguousFolds() {
        List<List<Integer>> folds = FoldSplitter.split(12, 3, 42L);
        assertNotEquals(List.of(0, 1, 2, 3), folds.get(0), "shuffled, not in input order");
        List<Integer> order = new ArrayList<>(12);
        for (int i = 0; i < 12; i++) {
            order.add(i);
        }
        java.util.Random random = new java.util.Random(42L);
        for (int i = order.size() - 1; i > 0; i--) {
            java.util.Collections.swap(order, i, random.nextInt(i + 1));
        }
        assertEquals(List.of(order.subList(0, 4), order.subList(4, 8), order.subList(8, 12)), folds,
                "Fisher–Yates with java.util.Random, then contiguous folds");
        assertEquals(List.of(4, 4, 3), FoldSplitter.split(11, 3, 1L).stream().map(List::size).toList());
    }

    @Test
    void refusesFewerItemsThanFoldsOrFewerThanTwoFolds() {
        assertThrows(IllegalArgumentException.class, () -> FoldSplitter.split(2, 3, 1L));
        assertThrows(IllegalArgumentException.class, () -> FoldSplitter.split(10, 1, 1L));
    }

    @Test
    void meanAndSampleStandardDeviation() {
        List<Double> losses = List.of(1.0, 2.0, 4.0);
        assertEquals(7.0 / 3, CrossValidationService.mean(losses), 1e-12);
        double mean = 7.0 / 3;
        double expected = Math.sqrt(((1 - mean) * (1 - mean) + (2 - mean) * (2 - mean) + (4 - mean) * (4 - mean)) / 2);
        assertEquals(expected, CrossValidationService.sampleStd(losses), 1e-12, "n − 1 in the denominator");
        assertNull(CrossValidationService.sampleStd(List.of(1.5)));
        assertNull(CrossValidationService.mean(List.of()));
    }

    @Test
    void theGroupStatusFollowsItsFolds() {
        assertEquals("QUEUED", CrossValidationService.status(runs(RunStatus.QUEUED, RunStatus.QUEUED)));
        assertEquals("RUNNING", CrossValidationService.status(runs(RunStatus.SUCCEEDED, RunStatus.QUEUED)));
        assertEquals("RUNNING", CrossValidationService.status(runs(RunStatus.RUNNING, RunStatus.QUEUED)));
        assertEquals("SUCCEEDED", CrossValidationService.status(runs(RunStatus.SUCCEEDED, RunStatus.SUCCEEDED)));
        assertEquals("CANCELLED", CrossValidationService.status(runs(RunStatus.SUCCEEDED, RunStatus.CANCELLED)));
        assertEquals("FAILED", CrossValidationService.status(runs(RunStatus.FAILED, RunStatus.CANCELLED)));
    }

    private static List<TrainingRun> runs(RunStatus... statuses) {
        List<TrainingRun> runs = new ArrayList<>();
        for (RunStatus s : statuses) {
            TrainingRun r = new TrainingRun();
            r.status = s;
            runs.add(r);
        }
        return runs;
    }
}
