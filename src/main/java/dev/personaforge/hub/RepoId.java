package dev.personaforge.hub;

import java.util.regex.Pattern;

/**
 * Checks and splits Hugging Face model ids of the form {@code owner/name}.
 */
final class RepoId {

    /** Owner and name: letters, digits, {@code - _ .}, not starting with punctuation (the Hub's own rule). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}");

    private RepoId() {
    }

    /** Whether {@code s} looks like a Hub model id. */
    static boolean isValid(String s) {
        return s != null && ID.matcher(s).matches() && !s.contains("..");
    }

    /** Returns {@code s} when it is a valid id, else throws with an example of one. */
    static String require(String s) {
        if (!isValid(s)) {
            throw new IllegalArgumentException("'" + s + "' is not a Hugging Face model id; ids look like "
                    + "owner/name, for example HuggingFaceTB/SmolLM2-135M-Instruct");
        }
        return s;
    }

    static String owner(String id) {
        return require(id).substring(0, id.indexOf('/'));
    }

    static String name(String id) {
        return require(id).substring(id.indexOf('/') + 1);
    }
}
