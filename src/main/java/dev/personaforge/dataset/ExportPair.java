package dev.personaforge.dataset;

import java.util.List;
import java.util.Objects;

/**
 * One pair as handed to the {@link DatasetExporter}.
 *
 * @param prompt     the user's text
 * @param completion the persona's answer
 * @param tags       the pair's tags, already following {@link PairTags}' rules; null means none
 * @param split      the pinned split; null means {@link PairSplit#AUTO}
 */
public record ExportPair(String prompt, String completion, List<String> tags, PairSplit split) {

    public ExportPair {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
        tags = tags == null ? List.of() : List.copyOf(tags);
        split = split == null ? PairSplit.AUTO : split;
        // Tags with commas would come back split in two after a CSV round trip.
        if (!PairTags.normalize(tags).equals(tags)) {
            throw new IllegalArgumentException("tags must be trimmed, unique and without commas: " + tags);
        }
    }
}
