package dev.personaforge.basemodel;

import dev.personaforge.common.ForgeConfig;
import dev.personaforge.hub.HfCache;
import dev.personaforge.hub.ModelLocator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Path;
import java.util.Optional;

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

    private ModelLocator locator() {
        if (locator == null) {
            locator = new ModelLocator(modelsDir(), HfCache.fromEnvironment());
        }
        return locator;
    }
}
