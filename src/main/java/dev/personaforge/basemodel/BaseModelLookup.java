package dev.personaforge.basemodel;

import dev.personaforge.common.ForgeConfig;
import dev.personaforge.hub.HfCache;
import dev.personaforge.hub.ModelDownloader;
import dev.personaforge.hub.ModelLocator;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a base model on this machine: a local model directory, a model downloaded into {@code data/models},
 * or a complete snapshot in the standard Hugging Face cache ({@code HF_HOME}, default {@code ~/.cache/huggingface}).
 */
@ApplicationScoped
public class BaseModelLookup {

    @Inject
    ForgeConfig config;

    private volatile ModelLocator locator;

    /** The directory holding the model's {@code config.json}, or empty when the model is not on this machine. */
    public Optional<Path> directory(String ref) {
        if (ref == null || ref.isBlank()) {
            return Optional.empty();
        }
        try {
            return locator().locate(ref.strip()).map(dir -> dir.toAbsolutePath().normalize());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Folder that downloaded models go to. */
    public Path modelsDir() {
        return config.modelsDir().toAbsolutePath();
    }

    /** The Hub ids of the models downloaded into {@link #modelsDir()}, by their install markers. */
    public List<String> downloadedIds() {
        Path root = modelsDir();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (Stream<Path> owners = Files.list(root)) {
            for (Path owner : owners.filter(Files::isDirectory).toList()) {
                try (Stream<Path> names = Files.list(owner)) {
                    names.forEach(dir -> ModelDownloader.installedIn(dir).ifPresent(marker -> ids.add(marker.repoId())));
                }
            }
        } catch (IOException e) {
            Log.warnf("Cannot list %s: %s", root, e.getMessage());
        }
        return ids;
    }

    private ModelLocator locator() {
        if (locator == null) {
            locator = new ModelLocator(modelsDir(), HfCache.fromEnvironment());
        }
        return locator;
    }
}
