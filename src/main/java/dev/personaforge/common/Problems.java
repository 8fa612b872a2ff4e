package dev.personaforge.common;

import java.util.ArrayList;
import java.util.List;

/** Collects field problems while validating input, then throws them all at once. */
public final class Problems {

    private final List<FieldProblem> problems = new ArrayList<>();

    public Problems add(String field, String message) {
        problems.add(new FieldProblem(field, message));
        return this;
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
    }

    /** Checks a text's length in characters; null counts as empty. */
    public Problems maxLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            add(field, String.format("is %,d characters, over the limit of %,d", value.length(), max));
        }
        return this;
    }
}
