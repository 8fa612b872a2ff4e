package dev.personaforge.dataset;

import java.util.List;
import java.util.Objects;

/**
 * One finding about a persona's dataset, with the pairs it concerns.
 *
 * @param kind     what was found
 * @param severity how much it matters; an {@link Severity#ERROR} blocks training
 * @param message  a full sentence for the user
 * @param pairIds  the pairs concerned, at most {@link #MAX_IDS}
 * @param count    how many pairs are concerned in all (for {@link Kind#TOO_FEW_PAIRS}: the usable pairs)
 */
public record DatasetWarning(Kind kind, Severity severity, String message, List<Long> pairIds, int count) {

    /** The most pair ids one warning carries. */
    public static final int MAX_IDS = 50;

    /** What a warning is about. */
    public enum Kind {
        TOO_FEW_PAIRS, EMPTY_TEXT, DUPLICATE_PAIR, DUPLICATE_PROMPT, LONG_PAIR, NO_VALIDATION
    }

    /** How much a warning matters. */
    public enum Severity {
        /** Training can't start until this is fixed. */
        ERROR,
        /** Training works, but the result is likely to suffer. */
        WARNING,
        /** Worth knowing; often intended. */
        INFO
    }

    public DatasetWarning {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        pairIds = pairIds == null ? List.of() : List.copyOf(pairIds.subList(0, Math.min(MAX_IDS, pairIds.size())));
        if (count < 0) {
            throw new IllegalArgumentException("count must be 0 or more, was " + count);
        }
    }
}
