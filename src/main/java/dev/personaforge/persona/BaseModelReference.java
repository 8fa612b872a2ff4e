package dev.personaforge.persona;

import dev.personaforge.hub.ModelLocator;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Tells whether a base model reference is a Hugging Face model id or a local model directory. */
public final class BaseModelReference {

    private BaseModelReference() {
    }

    /** True when the text has the shape of a Hub id ({@code owner/name}). */
    public static boolean isHubId(String ref) {
        return ref != null && ModelLocator.isHubId(ref);
    }

    /** The local directory the reference names, or null when it is not an existing directory. */
    public static Path localDirectory(String ref) {
        if (ref == null || ref.isBlank()) {
            return null;
        }
        try {
            String expanded = ref.startsWith("~/") ? System.getProperty("user.home") + ref.substring(1) : ref;
            Path path = Path.of(expanded);
            return Files.isDirectory(path) ? path.toAbsolutePath().normalize() : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** A problem with the reference in words, or null when it is usable. */
    public static String problem(String ref) {
        if (ref == null || ref.isBlank()) {
            return "is required: a Hugging Face model id such as " + PersonaInput.DEFAULT_BASE_MODEL
                    + ", or a local model directory";
        }
        if (localDirectory(ref) != null || isHubId(ref)) {
            return null;
        }
        if (ref.startsWith("/") || ref.startsWith(".") || ref.startsWith("~")) {
            return "local directory " + ref + " does not exist";
        }
        return "\"" + ref + "\" is neither a Hugging Face model id (owner/name) nor an existing local directory";
    }
}
