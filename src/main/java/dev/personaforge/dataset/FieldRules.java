package dev.personaforge.dataset;

import java.util.List;

/**
 * Checks the text, tags and split values of one record, whatever file format they came from.
 */
final class FieldRules {

    private final DatasetLimits limits;
    private final Problems problems;

    FieldRules(DatasetLimits limits, Problems problems) {
        this.limits = limits;
        this.problems = problems;
    }

    /** The text with normalized line ends, or null after reporting that it is empty or too long. */
    String requiredText(int line, String field, String raw) {
        String text = Text.normalizeLineEnds(raw);
        if (text.isEmpty()) {
            problems.error(line, field, "is empty");
            return null;
        }
        if (text.isBlank()) {
            problems.error(line, field, "contains only whitespace; write some text");
            return null;
        }
        return withinLimit(line, field, text);
    }

    /** The text with normalized line ends (possibly blank), or null after reporting that it is too long. */
    String optionalText(int line, String field, String raw) {
        return withinLimit(line, field, Text.normalizeLineEnds(raw));
    }

    /** The text, or null after reporting that it has more characters than the limit. */
    String withinLimit(int line, String field, String text) {
        int length = Text.chars(text);
        if (length > limits.maxFieldChars()) {
            problems.error(line, field, tooLong(length));
            return null;
        }
        return text;
    }

    int maxFieldChars() {
        return limits.maxFieldChars();
    }

    String tooLong(int length) {
        return "is " + Text.count(length) + " characters, over the limit of " + Text.count(limits.maxFieldChars());
    }

    /** Normalized tags, or null after reporting what breaks the tag rules. */
    List<String> tags(int line, String field, List<String> raw) {
        try {
            return PairTags.normalize(raw);
        } catch (IllegalArgumentException e) {
            problems.error(line, field, e.getMessage());
            return null;
        }
    }

    /** The split named by the text ({@link PairSplit#AUTO} when blank), or null after reporting a bad value. */
    PairSplit split(int line, String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return PairSplit.AUTO;
        }
        try {
            return PairSplit.parse(raw);
        } catch (IllegalArgumentException e) {
            problems.error(line, field, "\"" + Text.excerpt(raw.strip(), 40) + "\" is not a valid split; use "
                    + PairSplit.ACCEPTED);
            return null;
        }
    }
}
