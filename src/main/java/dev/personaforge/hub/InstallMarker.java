package dev.personaforge.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code .complete} file that marks a model directory as fully downloaded and verified.
 *
 * @param repoId      the Hub model id
 * @param commit      the commit the files were downloaded from
 * @param files       the downloaded files with their sizes
 * @param installedAt when the download finished, ISO-8601
 */
public record InstallMarker(String repoId, String commit, List<InstalledFile> files, String installedAt) {

    /** Name of the marker file inside the model directory. */
    public static final String FILE_NAME = ".complete";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public InstallMarker {
        Objects.requireNonNull(repoId, "repoId");
        Objects.requireNonNull(commit, "commit");
        files = List.copyOf(Objects.requireNonNull(files, "files"));
        if (repoId.isBlank() || commit.isBlank()) {
            throw new IllegalArgumentException("An install marker needs a repo id and a commit");
        }
    }

    /**
     * One downloaded file.
     *
     * @param name path inside the model directory
     * @param size size in bytes
     */
    public record InstalledFile(String name, long size) {
        public InstalledFile {
            Objects.requireNonNull(name, "name");
            if (size < 0) {
                throw new IllegalArgumentException("Size of " + name + " can't be negative");
            }
        }
    }

    /** The marker of {@code dir}, when it has a readable one. */
    public static Optional<InstallMarker> read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), InstallMarker.class));
        } catch (IOException | RuntimeException e) {
            // A damaged marker means the install can't be trusted; treating it as absent triggers a re-check.
            return Optional.empty();
        }
    }

    /** Whether every file the marker lists is in {@code dir} with its recorded size. */
    public boolean filesPresent(Path dir) {
        for (InstalledFile f : files) {
            Path p = dir.resolve(f.name());
            try {
                if (!Files.isRegularFile(p) || Files.size(p) != f.size()) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Writes the marker into {@code dir} atomically, so a reader never sees half a marker. */
    void write(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        moveAtomically(tmp, dir.resolve(FILE_NAME));
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
