package dev.personaforge.dataset;

import java.util.List;
import java.util.Objects;

/**
 * One prompt/completion pair read from an import file, with the line where its record starts.
 *
 * @param line         1-based physical line where the record starts
 * @param prompt       the user's text, line ends normalized to LF
 * @param completion   the persona's answer, line ends normalized to LF
 * @param tags         trimmed, de-duplicated tags; empty when the record had none
 * @param split        the split the file asked for; {@link PairSplit#AUTO} when absent
 * @param systemPrompt the chat record's system message, or null when it had none
 */
public record ImportedPair(int line, String prompt, String completion, List<String> tags, PairSplit split,
                           String systemPrompt) {

    public ImportedPair {
        if (line < 1) {
            throw new IllegalArgumentException("line must be 1 or more, was " + line);
        }
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
        tags = tags == null ? List.of() : List.copyOf(tags);
        split = split == null ? PairSplit.AUTO : split;
    }

    /** The duplicate-detection hash of this pair, see {@link PairHash}. */
    public String hash() {
        return PairHash.of(prompt, completion);
    }
}
