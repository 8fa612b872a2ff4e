package dev.personaforge.api;

import dev.personaforge.common.FieldProblem;

import java.util.List;

/** The JSON body of every API error: a machine-readable code, a sentence for people, and field problems. */
public record ErrorResponse(String error, String message, List<FieldProblem> problems) {

    public static ErrorResponse of(String error, String message) {
        return new ErrorResponse(error, message, List.of());
    }
}
