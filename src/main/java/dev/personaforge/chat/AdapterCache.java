package dev.personaforge.chat;

import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LoraAdapter;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Keeps tuned adapters loaded per base model instance so each chat turn does not read them from disk again.
 * Adapters live in their base model's native memory and go with it when the registry unloads the model.
 */
@ApplicationScoped
public class AdapterCache {

    private final Map<LanguageModel, Map<Path, LoraAdapter>> adapters = new WeakHashMap<>();

    /** The adapter in {@code dir} for {@code model}, loaded on first use. */
    public synchronized LoraAdapter get(LanguageModel model, Path dir) throws IOException {
        Map<Path, LoraAdapter> forModel = adapters.computeIfAbsent(model, m -> new HashMap<>());
        LoraAdapter adapter = forModel.get(dir);
        if (adapter == null) {
            adapter = model.loadAdapter(dir);
            forModel.put(dir, adapter);
        }
        return adapter;
    }
}
