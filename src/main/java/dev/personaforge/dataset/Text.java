package dev.personaforge.dataset;

import java.util.Locale;

/**
 * Small text helpers shared by the dataset classes.
 */
final class Text {

    private Text() {
    }

    /** Turns CRLF and lone CR into LF, so texts compare equal whatever system wrote them. */
    static String normalizeLineEnds(String text) {
        if (text.indexOf('\r') < 0) {
            return text;
        }
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }

    /** Length in characters as a person counts them: emoji and other supplementary characters count once. */
    static int chars(String text) {
        return text.codePointCount(0, text.length());
    }

    /** Formats a count with thousands separators, as in "17,204". */
    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** "1 pair" or "3 pairs". */
    static String plural(long value, String singular, String plural) {
        return count(value) + " " + (value == 1 ? singular : plural);
    }

    /** Shortens long text for quoting inside a message. */
    static String excerpt(String text, int max) {
        return chars(text) <= max ? text : text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
    }
}
