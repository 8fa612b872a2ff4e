package dev.personaforge.hub;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Hub says about a model repository at one revision: its commit, files and card metadata.
 *
 * @param id             repository id ({@code owner/name}) as the Hub spells it
 * @param sha            commit the revision resolved to (40 hex digits)
 * @param files          the repository's files ({@code siblings})
 * @param license        {@code cardData.license}, or {@code null}
 * @param licenseName    {@code cardData.license_name} (used with {@code license: other}), or {@code null}
 * @param licenseLink    {@code cardData.license_link}, or {@code null}
 * @param gated          {@code "auto"} or {@code "manual"} for gated models, {@code null} when not gated
 * @param architectures  {@code config.architectures} as summarised by the Hub, possibly empty
 * @param modelType      {@code config.model_type} as summarised by the Hub, or {@code null}
 * @param parameterCount {@code safetensors.total} as counted by the Hub, or {@code null}
 */
public record RepoInfo(String id, String sha, List<RepoFile> files, String license, String licenseName,
                       String licenseLink, String gated, List<String> architectures, String modelType,
                       Long parameterCount) {

    public RepoInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sha, "sha");
        if (id.isBlank() || sha.isBlank()) {
            throw new IllegalArgumentException("Repository info needs an id and a commit sha");
        }
        files = List.copyOf(Objects.requireNonNull(files, "files"));
        architectures = architectures == null ? List.of() : List.copyOf(architectures);
        if (parameterCount != null && parameterCount < 0) {
            throw new IllegalArgumentException("Parameter count of " + id + " can't be negative");
        }
    }

    /** The file at {@code path}, when the repository has it. */
    public Optional<RepoFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    /** Whether the model is gated (its licence must be accepted on the Hub before download). */
    public boolean isGated() {
        return gated != null;
    }
}
