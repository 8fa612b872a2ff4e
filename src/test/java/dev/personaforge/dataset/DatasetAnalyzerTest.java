package dev.personaforge.dataset;

import dev.personaforge.dataset.DatasetWarning.Kind;
import dev.personaforge.dataset.DatasetWarning.Severity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetAnalyzerTest {

    private final DatasetAnalyzer analyzer = new DatasetAnalyzer();

    /** Distinct pairs with ids 1..count, every fifth one in validation. */
    private static List<AnalyzedPair> pairs(int count) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> new AnalyzedPair(i, "Question " + i, "Answer " + i,
                        i % 5 == 0 ? PairSplit.VALIDATION : PairSplit.TRAIN))
                .collect(Collectors.toCollection(ArrayList::new));
    }

    private DatasetReport analyze(List<AnalyzedPair> pairs) {
        return analyzer.analyze(pairs, Thresholds.DEFAULT, null);
    }

    @Test
    void healthyDatasetHasNoWarnings() {
        DatasetReport report = analyze(pairs(60));
        assertEquals(List.of(), report.warnings());
        assertTrue(report.trainable());
        assertEquals(60, report.total());
        assertEquals(48, report.train());
        assertEquals(12, report.validation());
        assertEquals(60, report.usable());
    }

    @Test
    void lengthStatistics() {
        List<AnalyzedPair> pairs = List.of(
                new AnalyzedPair(1, "ab", "x", PairSplit.TRAIN),
                new AnalyzedPair(2, "abcd", "😀😀", PairSplit.TRAIN),
                new AnalyzedPair(3, "abcdef", "xyz", PairSplit.VALIDATION),
                new AnalyzedPair(4, "abcdefgh", "wxyz", PairSplit.TRAIN));
        DatasetReport report = analyzer.analyze(pairs, Thresholds.DEFAULT, String::length);
        assertEquals(new LengthStats(4, 2, 8, 5.0, 5.0, 8), report.promptChars());
        assertEquals(new LengthStats(4, 1, 4, 2.5, 2.5, 4), report.completionChars());
        // String::length counts each emoji as two UTF-16 units, unlike the character statistics.
        assertEquals(new LengthStats(4, 1, 4, 3.0, 3.5, 4), report.completionTokens());
        assertEquals(new LengthStats(4, 3, 12, 8.0, 8.5, 12), report.pairTokens());
    }

    @Test
    void percentileUsesNearestRank() {
        int[] values = IntStream.rangeClosed(1, 100).toArray();
        LengthStats stats = LengthStats.of(values);
        assertEquals(95, stats.p95());
        assertEquals(50.5, stats.median());
        assertEquals(LengthStats.EMPTY, LengthStats.of(new int[0]));
    }

    @Test
    void tokenStatisticsAreNullWithoutACounter() {
        DatasetReport report = analyze(pairs(3));
        assertNull(report.promptTokens());
        assertNull(report.completionTokens());
        assertNull(report.pairTokens());
        assertNotNull(report.promptChars());
    }

    @Test
    void tooFewPairsBlocksTraining() {
        DatasetWarning warning = analyze(pairs(7)).warning(Kind.TOO_FEW_PAIRS);
        assertEquals(Severity.ERROR, warning.severity());
        assertEquals("Training needs at least 10 pairs; this persona has 7.", warning.message());
        assertFalse(analyze(pairs(7)).trainable());
    }

    @Test
    void tooFewCountsOnlyUsablePairs() {
        List<AnalyzedPair> pairs = pairs(10);
        pairs.add(new AnalyzedPair(11, " ", "x", PairSplit.TRAIN));
        pairs.set(0, new AnalyzedPair(1, "Question 2", "Answer 2", PairSplit.TRAIN));
        DatasetWarning warning = analyze(pairs).warning(Kind.TOO_FEW_PAIRS);
        assertEquals(Severity.ERROR, warning.severity());
        assertEquals("Training needs at least 10 pairs; this persona has 9 usable out of 11 (empty pairs and"
                + " duplicate copies don't count).", warning.message());
    }

    @Test
    void belowTheRecommendationIsAWarning() {
        DatasetReport report = analyze(pairs(23));
        DatasetWarning warning = report.warning(Kind.TOO_FEW_PAIRS);
        assertEquals(Severity.WARNING, warning.severity());
        assertTrue(warning.message().startsWith("50–100 pairs are recommended"), warning.message());
        assertTrue(warning.message().endsWith("this persona has 23."), warning.message());
        assertTrue(report.trainable());
    }

    @Test
    void emptyText() {
        List<AnalyzedPair> pairs = pairs(60);
        pairs.add(new AnalyzedPair(61, "", "x", PairSplit.TRAIN));
        pairs.add(new AnalyzedPair(62, "q", " \n", PairSplit.TRAIN));
        DatasetWarning warning = analyze(pairs).warning(Kind.EMPTY_TEXT);
        assertEquals(Severity.WARNING, warning.severity());
        assertEquals(List.of(61L, 62L), warning.pairIds());
        assertEquals("2 pairs have an empty prompt or completion; they are skipped in training.", warning.message());
    }

    @Test
    void duplicatePairsAreCountedByGroup() {
        List<AnalyzedPair> pairs = pairs(60);
        pairs.add(new AnalyzedPair(61, "Question 1 ", "Answer 1", PairSplit.TRAIN));
        pairs.add(new AnalyzedPair(62, "Question 1", "Answer 1\r\n", PairSplit.TRAIN));
        pairs.add(new AnalyzedPair(63, "Question 2", "Answer 2", PairSplit.TRAIN));
        DatasetWarning warning = analyze(pairs).warning(Kind.DUPLICATE_PAIR);
        assertEquals(Severity.WARNING, warning.severity());
        assertEquals(List.of(1L, 61L, 62L, 2L, 63L), warning.pairIds());
        assertEquals(5, warning.count());
        assertTrue(warning.message().startsWith("5 pairs are exact copies of each other (2 groups)"),
                warning.message());
    }

    @Test
    void samePromptWithDifferentAnswersIsInfo() {
        List<AnalyzedPair> pairs = pairs(60);
        pairs.add(new AnalyzedPair(61, "Question 1", "Another answer", PairSplit.TRAIN));
        DatasetWarning warning = analyze(pairs).warning(Kind.DUPLICATE_PROMPT);
        assertEquals(Severity.INFO, warning.severity());
        assertEquals(List.of(1L, 61L), warning.pairIds());
        assertTrue(warning.message().startsWith("2 pairs share a prompt with another pair but answer it"
                + " differently (1 prompt)"), warning.message());
        assertNull(analyze(pairs).warning(Kind.DUPLICATE_PAIR));
    }

    @Test
    void longPairsByCharactersAndByTokens() {
        List<AnalyzedPair> pairs = pairs(60);
        pairs.add(new AnalyzedPair(61, "q".repeat(3000), "a".repeat(1001), PairSplit.TRAIN));
        pairs.add(new AnalyzedPair(62, "many tokens", "here", PairSplit.TRAIN));
        DatasetWarning byChars = analyze(pairs).warning(Kind.LONG_PAIR);
        assertEquals(List.of(61L), byChars.pairIds());
        assertEquals("1 pair is longer than 4,000 characters and may be truncated at training.", byChars.message());

        DatasetWarning byTokens = analyzer.analyze(pairs, Thresholds.DEFAULT,
                text -> text.startsWith("many") ? 600 : 1).warning(Kind.LONG_PAIR);
        assertEquals(List.of(61L, 62L), byTokens.pairIds());
        assertTrue(byTokens.message().contains("4,000 characters or 512 tokens"), byTokens.message());
    }

    @Test
    void noValidationPairs() {
        List<AnalyzedPair> pairs = new ArrayList<>();
        pairs(60).forEach(p -> pairs.add(new AnalyzedPair(p.id(), p.prompt(), p.completion(), PairSplit.TRAIN)));
        DatasetWarning warning = analyze(pairs).warning(Kind.NO_VALIDATION);
        assertEquals(Severity.WARNING, warning.severity());
        assertTrue(warning.message().startsWith("No pairs are set aside for validation"), warning.message());
    }

    @Test
    void pairIdsAreCappedAtFiftyButCountIsTrue() {
        List<AnalyzedPair> pairs = pairs(60);
        IntStream.rangeClosed(61, 140).forEach(i -> pairs.add(new AnalyzedPair(i, "", "", PairSplit.TRAIN)));
        DatasetWarning warning = analyze(pairs).warning(Kind.EMPTY_TEXT);
        assertEquals(50, warning.pairIds().size());
        assertEquals(80, warning.count());
    }

    @Test
    void warningsAreOrderedBySeverity() {
        List<AnalyzedPair> pairs = new ArrayList<>(List.of(
                new AnalyzedPair(1, "a", "b", PairSplit.TRAIN),
                new AnalyzedPair(2, "a", "c", PairSplit.TRAIN),
                new AnalyzedPair(3, "", "c", PairSplit.TRAIN)));
        List<Severity> severities = analyze(pairs).warnings().stream().map(DatasetWarning::severity).toList();
        assertEquals(List.of(Severity.ERROR, Severity.WARNING, Severity.WARNING, Severity.INFO), severities);
    }

    @Test
    void emptyPersona() {
        DatasetReport report = analyze(List.of());
        assertEquals(LengthStats.EMPTY, report.promptChars());
        assertEquals("Training needs at least 10 pairs; this persona has 0.",
                report.warning(Kind.TOO_FEW_PAIRS).message());
        assertEquals(1, report.warnings().size());
    }
}
