package dev.personaforge.common;

/** One problem with one input field, worded for the person who typed it. */
public record FieldProblem(String field, String message) {
}
