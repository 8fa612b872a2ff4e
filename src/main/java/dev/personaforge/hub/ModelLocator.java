package dev.personaforge.hub;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves a base-model reference (a local directory or a Hub id) to a directory on this machine, or says
 * that it has to be downloaded first.
 */
public final class ModelLocator {

    /** Where a located model was found. */
    public enum Source {
        /** The reference itself is a directory. */
        LOCAL_DIRECTORY,
        /** A complete download under the models directory. */
        INSTALLED,
        /** A snapshot in the Hugging Face cache of Python tools. */
        HF_CACHE
    }

    /**
     * A model found on this machine.
     *
     * @param dir    the model directory
     * @param source where it was found
     */
    public record Located(Path dir, Source source) {
        public Located {
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(source, "source");
        }
    }

    private final Path modelsDir;
    private final HfCache cache;

    /**
     * @param modelsDir where {@link ModelDownloader} installs models
     * @param cache     the Hugging Face cache to look in next
     */
    public ModelLocator(Path modelsDir, HfCache cache) {
        this.modelsDir = Objects.requireNonNull(modelsDir, "modelsDir");
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /** Whether {@code reference} has the form of a Hub model id ({@code owner/name}). */
    public static boolean isHubId(String reference) {
        return RepoId.isValid(reference);
    }

    /** The model's directory, or empty when it is a Hub id that must be downloaded first. */
    public Optional<Path> locate(String reference) {
        return resolve(reference).map(Located::dir);
    }

    /**
     * Looks for the model: an existing directory is used as is; a Hub id is looked up as a complete install
     * in the models directory, then in the Hugging Face cache.
     *
     * @throws IllegalArgumentException when the reference is neither an existing directory nor a Hub id
     */
    public Optional<Located> resolve(String reference) {
        Objects.requireNonNull(reference, "reference");
        String ref = reference.strip();
        Optional<Path> dir = existingDirectory(ref);
        if (dir.isPresent()) {
            return Optional.of(new Located(dir.get(), Source.LOCAL_DIRECTORY));
        }
        if (!isHubId(ref)) {
            throw new IllegalArgumentException("The base model '" + reference + "' is neither an existing directory "
                    + "nor a Hugging Face id (owner/name, for example HuggingFaceTB/SmolLM2-135M-Instruct); "
                    + "check the path or the id.");
        }
        Path installed = ModelDownloader.directoryFor(modelsDir, ref);
        if (ModelDownloader.installedIn(installed).isPresent()) {
            return Optional.of(new Located(installed, Source.INSTALLED));
        }
        return cache.find(ref).map(p -> new Located(p, Source.HF_CACHE));
    }

    private static Optional<Path> existingDirectory(String ref) {
        if (ref.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path p = Path.of(ref);
            return Files.isDirectory(p) ? Optional.of(p.toAbsolutePath().normalize()) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
