package dev.personaforge.dataset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gathers the valid pairs of one file, rejecting duplicates and pairs beyond the size limit.
 */
final class PairCollector {

    private final DatasetLimits limits;
    private final Set<String> existingHashes;
    private final Problems problems;
    private final Map<String, Integer> firstLineByHash = new HashMap<>();
    private final List<ImportedPair> pairs = new ArrayList<>();
    private int pairCount;

    PairCollector(DatasetLimits limits, Set<String> existingHashes, Problems problems) {
        this.limits = limits;
        this.existingHashes = existingHashes == null ? Set.of() : existingHashes;
        this.problems = problems;
    }

    void add(ImportedPair pair) {
        String hash = pair.hash();
        Integer firstLine = firstLineByHash.putIfAbsent(hash, pair.line());
        if (existingHashes.contains(hash)) {
            problems.error(pair.line(), null, "duplicate of a pair already in this persona");
        } else if (firstLine != null) {
            problems.error(pair.line(), null, firstLine == pair.line()
                    ? "duplicate of another exchange in the same conversation"
                    : "duplicate of line " + firstLine);
        } else {
            pairCount++;
            // Past the limit only the count matters; keeping the pairs would let a huge upload fill memory.
            if (pairCount <= limits.maxPairs()) {
                pairs.add(pair);
            }
        }
    }

    /** Reports file-wide problems once every record has been seen. */
    void finish() {
        // Only worth saying when nothing else is wrong; otherwise the other errors explain the missing pairs.
        if (pairCount == 0 && problems.errorCount() == 0) {
            problems.error(0, null, "the file contains no pairs");
        }
        if (pairCount > limits.maxPairs()) {
            problems.error(0, null, "the file has " + Text.count(pairCount) + " pairs, over the limit of "
                    + Text.count(limits.maxPairs()) + "; split it into smaller files");
        }
    }

    List<ImportedPair> pairs() {
        return pairs;
    }
}
