package dev.personaforge.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared test checkpoints: {@code forge.shared.dir} or {@code ../shared} from the repo root. */
public final class SharedModels {
    private SharedModels() {}

    public static Path sharedDir() {
        String prop = System.getProperty("forge.shared.dir");
        return prop != null ? Path.of(prop) : Path.of("..", "shared");
    }

    /** The stories260k directory, or null when it is absent. */
    public static Path stories260k() {
        Path dir = sharedDir().resolve("models").resolve("stories260k");
        return Files.isRegularFile(dir.resolve("model.safetensors")) && Files.isRegularFile(dir.resolve("golden.json")) ? dir : null;
    }
}
