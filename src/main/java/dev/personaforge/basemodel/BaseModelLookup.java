package dev.personaforge.basemodel;

import dev.personaforge.common.ForgeConfig;
import dev.personaforge.persona.BaseModelReference;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a base model on this machine: a local model directory, a model downloaded into {@code data/models},
 * or a snapshot in the standard Hugging Face cache ({@code HF_HOME}, default {@code ~/.cache/huggingface}).
 */
@ApplicationScoped
public class BaseModelLookup {

    @Inject
    ForgeConfig config;

    /** The directory holding the model's {@code config.json}, or empty when the model is not on this machine. */
    public Optional<Path> directory(String ref) {
        Path local = BaseModelReference.localDirectory(ref);
        if (local != null) {
            return Optional.of(local);
        }
        if (!BaseModelReference.isHubId(ref)) {
            return Optional.empty();
        }
        String[] parts = ref.split("/");
        Path downloaded = config.dataDir().resolve("models").resolve(parts[0]).resolve(parts[1]);
        if (Files.isRegularFile(downloaded.resolve("config.json"))) {
            return Optional.of(downloaded.toAbsolutePath());
        }
        return hubCacheSnapshot(ref).filter(dir -> Files.isRegularFile(dir.resolve("config.json")));
    }

    private static Optional<Path> hubCacheSnapshot(String repoId) {
        String hfHome = System.getenv("HF_HOME");
        Path home = hfHome != null && !hfHome.isBlank()
                ? Path.of(hfHome) : Path.of(System.getProperty("user.home"), ".cache", "huggingface");
        Path snapshots = home.resolve("hub").resolve("models--" + repoId.replace("/", "--")).resolve("snapshots");
        if (!Files.isDirectory(snapshots)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(snapshots)) {
            return dirs.filter(Files::isDirectory).max(Comparator.comparing(BaseModelLookup::lastModified));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static long lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
