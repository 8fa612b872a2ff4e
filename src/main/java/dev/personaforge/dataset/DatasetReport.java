package dev.personaforge.dataset;

import java.util.List;
import java.util.Objects;

/**
 * Statistics and warnings about a persona's dataset, as shown before training.
 *
 * @param total            all pairs
 * @param train            pairs in training (including empty ones, which training skips)
 * @param validation       pairs held out for validation
 * @param usable           distinct pairs with text on both sides: what training actually gets
 * @param promptChars      prompt lengths in characters
 * @param completionChars  completion lengths in characters
 * @param promptTokens     prompt lengths in tokens, or null when no token counter was given
 * @param completionTokens completion lengths in tokens, or null when no token counter was given
 * @param pairTokens       prompt plus completion tokens, or null when no token counter was given
 * @param warnings         findings, most severe first
 */
public record DatasetReport(int total, int train, int validation, int usable, LengthStats promptChars,
                            LengthStats completionChars, LengthStats promptTokens, LengthStats completionTokens,
                            LengthStats pairTokens, List<DatasetWarning> warnings) {

    public DatasetReport {
        Objects.requireNonNull(promptChars, "promptChars");
        Objects.requireNonNull(completionChars, "completionChars");
        warnings = List.copyOf(warnings);
        if (train + validation != total || usable > total) {
            throw new IllegalArgumentException("counts don't add up: total " + total + ", train " + train
                    + ", validation " + validation + ", usable " + usable);
        }
    }

    /** True when no warning is an {@link DatasetWarning.Severity#ERROR}. */
    public boolean trainable() {
        return warnings.stream().noneMatch(w -> w.severity() == DatasetWarning.Severity.ERROR);
    }

    /** The warning of the given kind, or null when there is none. */
    public DatasetWarning warning(DatasetWarning.Kind kind) {
        return warnings.stream().filter(w -> w.kind() == kind).findFirst().orElse(null);
    }
}
