package dev.personaforge.common;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when input is rejected; carries every problem found, each naming its field. Maps to 400. */
public class ValidationException extends RuntimeException {

    private final List<FieldProblem> problems;

    public ValidationException(List<FieldProblem> problems) {
        super(problems.stream().map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public static ValidationException of(String field, String message) {
        return new ValidationException(List.of(new FieldProblem(field, message)));
    }

    public List<FieldProblem> problems() {
        return problems;
    }

    /** The message for one field, or null when that field is fine (used by forms to show errors in place). */
    public String messageFor(String field) {
        return problems.stream().filter(p -> p.field().equals(field)).map(FieldProblem::message).findFirst().orElse(null);
    }
}
