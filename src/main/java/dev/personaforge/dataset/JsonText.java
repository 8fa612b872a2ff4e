package dev.personaforge.dataset;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts JSON values and Jackson's parse errors into words a person who edits a file by hand understands.
 */
final class JsonText {

    private static final Pattern UNEXPECTED_CHAR = Pattern.compile("^Unexpected character \\('(.+?)' \\(code");
    private static final Pattern UNRECOGNIZED_TOKEN = Pattern.compile("^Unrecognized token '(.*?)'");
    private static final Pattern DUPLICATE_FIELD =
            Pattern.compile("^Duplicate (?:Object property|field) [\"'](.*?)[\"']");

    private static final String ENDS_EARLY = "the JSON ends too early; check for a missing }, ] or \"";

    private JsonText() {
    }

    /** "text", "a number", "a list" and so on. */
    static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "text";
            case NUMBER -> "a number";
            case BOOLEAN -> "true/false";
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> "something else";
        };
    }

    /**
     * "invalid JSON at column 12: …" with a short explanation instead of Jackson's parser jargon.
     *
     * @param jsonLines whether the record came from a JSON Lines file, where a record cut short usually means it
     *                  was spread over several lines
     */
    static String invalidJson(JsonProcessingException e, boolean jsonLines) {
        JsonLocation location = e.getLocation();
        String where = location == null || location.getColumnNr() < 1 ? "" : " at column " + location.getColumnNr();
        String explanation = explain(e.getOriginalMessage());
        if (jsonLines && explanation.equals(ENDS_EARLY)) {
            explanation += " (in JSON Lines each record must be on one line)";
        }
        return "invalid JSON" + where + ": " + explanation;
    }

    private static String explain(String message) {
        String text = message == null ? "" : message;
        Matcher m;
        if (text.startsWith("Unexpected end-of-input")) {
            return ENDS_EARLY;
        }
        if ((m = UNEXPECTED_CHAR.matcher(text)).find()) {
            return unexpectedCharacter(m.group(1), text);
        }
        if ((m = UNRECOGNIZED_TOKEN.matcher(text)).find()) {
            return "unrecognized word '" + Text.excerpt(m.group(1), 30) + "'; text must be in double quotes";
        }
        if ((m = DUPLICATE_FIELD.matcher(text)).find()) {
            return "the field \"" + m.group(1) + "\" appears twice";
        }
        if (text.startsWith("Illegal unquoted character")) {
            return "a text contains a raw tab or line break; write it as \\t or \\n";
        }
        if (text.startsWith("Trailing token") || text.contains("trailing token")) {
            return "there is more after the end of the record; put each record on its own line";
        }
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private static String unexpectedCharacter(String character, String message) {
        if (character.equals("'")) {
            return "unexpected character '; text and field names must be in double quotes";
        }
        if ((character.equals("}") || character.equals("]")) && message.contains("double-quote to start field")) {
            return "unexpected character '" + character + "'; remove the comma before it";
        }
        return "unexpected character '" + character + "'" + expectation(message);
    }

    private static String expectation(String message) {
        if (message.contains("double-quote to start field name")) {
            return "; field names must be in double quotes";
        }
        if (message.contains("comma to separate")) {
            return "; a comma is missing";
        }
        if (message.contains("colon to separate")) {
            return "; a colon is missing after a field name";
        }
        return "";
    }
}
