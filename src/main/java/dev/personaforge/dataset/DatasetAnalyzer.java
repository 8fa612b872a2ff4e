package dev.personaforge.dataset;

import dev.personaforge.dataset.DatasetWarning.Kind;
import dev.personaforge.dataset.DatasetWarning.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Computes a persona's dataset statistics and the warnings shown before training.
 *
 * <p>Lengths are counted over all pairs; "usable" pairs are the distinct ones (by {@link PairHash}) with text on
 * both sides, since training skips empty pairs and duplicates add no new example.
 */
public final class DatasetAnalyzer {

    /**
     * Analyzes the pairs.
     *
     * @param thresholds   the numbers behind the warnings; null means {@link Thresholds#DEFAULT}
     * @param tokenCounter counts the tokens of a text with the base model's tokenizer; null when unknown, which
     *                     leaves the token statistics null
     */
    public DatasetReport analyze(List<AnalyzedPair> pairs, Thresholds thresholds, ToIntFunction<String> tokenCounter) {
        Thresholds t = thresholds == null ? Thresholds.DEFAULT : thresholds;
        int total = pairs.size();
        int validation = (int) pairs.stream().filter(p -> p.effectiveSplit() == PairSplit.VALIDATION).count();
        List<AnalyzedPair> usable = pairs.stream().filter(AnalyzedPair::usable).toList();
        int distinctUsable = groups(usable, p -> PairHash.of(p.prompt(), p.completion())).size();
        int[] promptTokens = tokenCounter == null ? null : lengths(pairs, p -> tokenCounter.applyAsInt(p.prompt()));
        int[] completionTokens = tokenCounter == null ? null
                : lengths(pairs, p -> tokenCounter.applyAsInt(p.completion()));
        int[] pairTokens = promptTokens == null ? null : sum(promptTokens, completionTokens);

        List<DatasetWarning> warnings = new ArrayList<>();
        tooFewPairs(distinctUsable, total, t).ifPresent(warnings::add);
        emptyText(pairs).ifPresent(warnings::add);
        duplicatePairs(usable).ifPresent(warnings::add);
        duplicatePrompts(usable).ifPresent(warnings::add);
        longPairs(pairs, pairTokens, t).ifPresent(warnings::add);
        if (distinctUsable > 0 && validation == 0) {
            warnings.add(new DatasetWarning(Kind.NO_VALIDATION, Severity.WARNING, "No pairs are set aside for"
                    + " validation, so training can't check how the persona does on pairs it hasn't seen; set a"
                    + " validation share or mark some pairs as validation.", List.of(), 0));
        }
        warnings.sort(Comparator.comparing(DatasetWarning::severity).thenComparing(DatasetWarning::kind));

        return new DatasetReport(total, total - validation, validation, distinctUsable,
                LengthStats.of(lengths(pairs, p -> Text.chars(p.prompt()))),
                LengthStats.of(lengths(pairs, p -> Text.chars(p.completion()))),
                stats(promptTokens), stats(completionTokens), stats(pairTokens), warnings);
    }

    private static Optional<DatasetWarning> tooFewPairs(int usable, int total, Thresholds t) {
        String has = usable == total ? "this persona has " + Text.count(usable) + "."
                : "this persona has " + Text.count(usable) + " usable out of " + Text.count(total)
                + " (empty pairs and duplicate copies don't count).";
        if (usable < t.minPairsForTraining()) {
            return Optional.of(new DatasetWarning(Kind.TOO_FEW_PAIRS, Severity.ERROR, "Training needs at"
                    + " least " + Text.count(t.minPairsForTraining()) + " pairs; " + has, List.of(), usable));
        }
        if (usable < t.recommendedPairs()) {
            return Optional.of(new DatasetWarning(Kind.TOO_FEW_PAIRS, Severity.WARNING,
                    Text.count(t.recommendedPairs()) + "–" + Text.count(2L * t.recommendedPairs()) + " pairs are"
                    + " recommended for a persona that holds up in conversation; " + has, List.of(), usable));
        }
        return Optional.empty();
    }

    private static Optional<DatasetWarning> emptyText(List<AnalyzedPair> pairs) {
        List<Long> ids = pairs.stream().filter(p -> !p.usable()).map(AnalyzedPair::id).sorted().toList();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        String message = ids.size() == 1
                ? "1 pair has an empty prompt or completion; it is skipped in training."
                : Text.count(ids.size()) + " pairs have an empty prompt or completion; they are skipped in training.";
        return Optional.of(new DatasetWarning(Kind.EMPTY_TEXT, Severity.WARNING, message, ids, ids.size()));
    }

    private static Optional<DatasetWarning> duplicatePairs(List<AnalyzedPair> usable) {
        List<List<AnalyzedPair>> groups = groups(usable, p -> PairHash.of(p.prompt(), p.completion())).values()
                .stream().filter(g -> g.size() > 1).toList();
        if (groups.isEmpty()) {
            return Optional.empty();
        }
        List<Long> ids = idsByGroup(groups);
        String message = Text.plural(ids.size(), "pair is", "pairs are") + " exact copies of each other ("
                + Text.plural(groups.size(), "group", "groups") + "); the copies give the same answer extra weight"
                + " in training, so consider deleting them.";
        return Optional.of(new DatasetWarning(Kind.DUPLICATE_PAIR, Severity.WARNING, message, ids,
                ids.size()));
    }

    private static Optional<DatasetWarning> duplicatePrompts(List<AnalyzedPair> usable) {
        List<List<AnalyzedPair>> groups = groups(usable, p -> PairHash.normalize(p.prompt())).values().stream()
                .filter(g -> g.stream().map(p -> PairHash.normalize(p.completion())).distinct().count() > 1)
                .toList();
        if (groups.isEmpty()) {
            return Optional.empty();
        }
        List<Long> ids = idsByGroup(groups);
        String message = Text.plural(ids.size(), "pair shares", "pairs share") + " a prompt with another pair but"
                + " answer it differently (" + Text.plural(groups.size(), "prompt", "prompts") + "); that adds"
                + " variety, but contradicting answers can confuse the persona.";
        return Optional.of(new DatasetWarning(Kind.DUPLICATE_PROMPT, Severity.INFO, message, ids,
                ids.size()));
    }

    private static Optional<DatasetWarning> longPairs(List<AnalyzedPair> pairs, int[] pairTokens,
                                                                Thresholds t) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            AnalyzedPair pair = pairs.get(i);
            boolean longChars = Text.chars(pair.prompt()) + Text.chars(pair.completion()) > t.longPairChars();
            boolean longTokens = pairTokens != null && pairTokens[i] > t.longPairTokens();
            if (longChars || longTokens) {
                ids.add(pair.id());
            }
        }
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        ids.sort(null);
        String limit = Text.count(t.longPairChars()) + " characters"
                + (pairTokens == null ? "" : " or " + Text.count(t.longPairTokens()) + " tokens");
        String message = Text.plural(ids.size(), "pair is", "pairs are") + " longer than " + limit
                + " and may be truncated at training.";
        return Optional.of(new DatasetWarning(Kind.LONG_PAIR, Severity.WARNING, message, ids, ids.size()));
    }

    /** Groups in order of first appearance. */
    private static <K> Map<K, List<AnalyzedPair>> groups(List<AnalyzedPair> pairs, Function<AnalyzedPair, K> key) {
        Map<K, List<AnalyzedPair>> groups = new LinkedHashMap<>();
        pairs.forEach(p -> groups.computeIfAbsent(key.apply(p), k -> new ArrayList<>()).add(p));
        return groups;
    }

    /** Ids of all groups' pairs, a group's ids together, so the first 50 show whole groups. */
    private static List<Long> idsByGroup(List<List<AnalyzedPair>> groups) {
        return groups.stream()
                .map(g -> g.stream().map(AnalyzedPair::id).sorted().toList())
                .sorted(Comparator.comparing(ids -> ids.get(0)))
                .flatMap(List::stream)
                .toList();
    }

    private static int[] lengths(List<AnalyzedPair> pairs, ToIntFunction<AnalyzedPair> length) {
        return pairs.stream().mapToInt(length).toArray();
    }

    private static int[] sum(int[] a, int[] b) {
        int[] sum = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            sum[i] = a[i] + b[i];
        }
        return sum;
    }

    private static LengthStats stats(int[] values) {
        return values == null ? null : LengthStats.of(values);
    }
}
