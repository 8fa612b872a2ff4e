package dev.personaforge.dataset;

import java.util.Objects;

/**
 * One problem found in an import file, worded for the person who wrote the file.
 *
 * @param line    1-based physical line, or 0 when the problem concerns the whole file
 * @param field   the field or column concerned, or null
 * @param message what is wrong, in plain words
 */
public record ImportProblem(int line, String field, String message) {

    public ImportProblem {
        if (line < 0) {
            throw new IllegalArgumentException("line must be 0 or more, was " + line);
        }
        Objects.requireNonNull(message, "message");
    }

    /** Renders as {@code line 7, field "completion": is empty}, dropping the parts that are absent. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (line > 0) {
            text.append("line ").append(line);
        }
        if (field != null) {
            text.append(text.isEmpty() ? "field \"" : ", field \"").append(field).append('"');
        }
        return text.isEmpty() ? message : text.append(": ").append(message).toString();
    }
}
