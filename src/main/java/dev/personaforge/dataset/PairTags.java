package dev.personaforge.dataset;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules for pair tags, shared by import, export and the pages that edit tags.
 *
 * <p>Tags are trimmed, empty ones dropped and repeats removed (keeping the first spelling). A tag can't contain a
 * comma, because CSV files and forms list tags as one comma-separated text.
 */
public final class PairTags {

    /** The most tags one pair may have. */
    public static final int MAX_TAGS = 20;
    /** The most characters one tag may have. */
    public static final int MAX_TAG_CHARS = 40;

    private PairTags() {
    }

    /** Splits a comma-separated text into normalized tags; see {@link #normalize(List)}. */
    public static List<String> parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return normalize(List.of(commaSeparated.split(",", -1)));
    }

    /**
     * Trims each tag, drops empty ones and repeats, and checks the limits.
     *
     * @throws IllegalArgumentException with a message for the user when a tag is too long or has a comma, or there
     *                                  are too many tags
     */
    public static List<String> normalize(List<String> tags) {
        Set<String> unique = new LinkedHashSet<>();
        for (String tag : tags) {
            String trimmed = tag == null ? "" : tag.strip();
            if (trimmed.indexOf(',') >= 0) {
                throw new IllegalArgumentException("tag \"" + Text.excerpt(trimmed, 50) + "\" contains a comma;"
                        + " commas separate tags");
            }
            if (Text.chars(trimmed) > MAX_TAG_CHARS) {
                throw new IllegalArgumentException("tag \"" + Text.excerpt(trimmed, 50) + "\" is "
                        + Text.count(Text.chars(trimmed)) + " characters, over the limit of " + MAX_TAG_CHARS);
            }
            if (!trimmed.isEmpty()) {
                unique.add(trimmed);
            }
        }
        if (unique.size() > MAX_TAGS) {
            throw new IllegalArgumentException("has " + unique.size() + " tags, over the limit of " + MAX_TAGS);
        }
        return List.copyOf(new ArrayList<>(unique));
    }

    /** Joins tags for a CSV cell or a form field: {@code "greeting,formal"}. */
    public static String join(List<String> tags) {
        return String.join(",", tags);
    }
}
