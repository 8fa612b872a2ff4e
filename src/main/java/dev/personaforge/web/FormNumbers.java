package dev.personaforge.web;

import dev.personaforge.common.ValidationException;

/** Parses optional numbers typed into forms, naming the field when the text is not a number. */
final class FormNumbers {

    private FormNumbers() {
    }

    static Double parseDouble(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw ValidationException.of(field, "\"" + text + "\" is not a number");
        }
    }

    static Long parseLong(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Long.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw ValidationException.of(field, "\"" + text + "\" is not a whole number");
        }
    }
}
