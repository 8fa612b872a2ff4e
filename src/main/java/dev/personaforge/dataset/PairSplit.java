package dev.personaforge.dataset;

import java.util.Locale;

/**
 * Which part of the dataset a pair belongs to: decided by the splitter, or pinned by the user.
 */
public enum PairSplit {
    /** The splitter decides deterministically. */
    AUTO,
    /** Always used for training. */
    TRAIN,
    /** Always held out to measure training progress. */
    VALIDATION;

    /** The accepted spellings, for error messages. */
    public static final String ACCEPTED = "auto, train or validation";

    /**
     * Parses a split name as written in files and forms, ignoring case and surrounding spaces.
     *
     * @throws IllegalArgumentException naming the accepted values when the text is none of them
     */
    public static PairSplit parse(String text) {
        String name = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "auto" -> AUTO;
            case "train" -> TRAIN;
            case "validation" -> VALIDATION;
            default -> throw new IllegalArgumentException(
                    "\"" + (text == null ? "" : text) + "\" is not a split; use " + ACCEPTED);
        };
    }

    /** The lower-case name used in files and URLs: {@code auto}, {@code train} or {@code validation}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
