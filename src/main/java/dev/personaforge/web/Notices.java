package dev.personaforge.web;

import java.util.Map;

/** Short confirmations shown after a form post redirects back (post/redirect/get), keyed by a URL parameter. */
final class Notices {

    private static final Map<String, String> TEXTS = Map.ofEntries(
            Map.entry("created", "Persona created."),
            Map.entry("saved", "Changes saved."),
            Map.entry("duplicated", "Persona duplicated with all its pairs."),
            Map.entry("deleted", "Persona deleted."),
            Map.entry("sample-loaded", "Sample persona loaded with all its pairs."),
            Map.entry("pair-added", "Pair added."),
            Map.entry("pair-saved", "Pair saved."),
            Map.entry("pair-deleted", "Pair deleted."),
            Map.entry("pairs-deleted", "Selected pairs deleted."),
            Map.entry("split-saved", "Split settings saved."));

    private Notices() {
    }

    /** The sentence for a key, or null for an unknown key (so nothing a URL carries is ever shown verbatim). */
    static String text(String key) {
        return key == null ? null : TEXTS.get(key);
    }
}
