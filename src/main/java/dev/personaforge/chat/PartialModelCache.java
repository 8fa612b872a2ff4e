package dev.personaforge.chat;

import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.PartialWeights;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Keeps the tuned models of partial runs loaded per base model instance. Each shares the base's tokenizer and every
 * unchanged weight and owns only the changed tensors, which live in the base's native memory and go with it when
 * the registry unloads the base. A run restarted since (its weights file changed) is read again.
 */
@ApplicationScoped
public class PartialModelCache {

    private record Loaded(FileTime modified, LanguageModel model) {
    }

    private final Map<LanguageModel, Map<Path, Loaded>> models = new WeakHashMap<>();

    /** The base with the changed tensors in {@code dir} in place, loaded on first use. Use it while {@code base} is leased. */
    public synchronized LanguageModel get(LanguageModel base, Path dir) throws IOException {
        Map<Path, Loaded> forBase = models.computeIfAbsent(base, m -> new HashMap<>());
        FileTime modified = Files.getLastModifiedTime(dir.resolve(PartialWeights.WEIGHTS_FILE));
        Loaded loaded = forBase.get(dir);
        if (loaded == null || !loaded.modified().equals(modified)) {
            // a replaced model is not closed here: a turn may still be generating with it; its tensors are freed
            // with the base model
            try (PartialWeights changed = PartialWeights.load(dir, base.model().manager())) {
                loaded = new Loaded(modified, base.withPartialWeights(changed));
            }
            forBase.put(dir, loaded);
        }
        return loaded.model();
    }
}
