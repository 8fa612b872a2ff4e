package dev.personaforge.dataset;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.personaforge.basemodel.BaseModelLookup;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/** Loads the tokenizer of a base model when the model is on this machine, so pair lengths can be told in tokens. */
@ApplicationScoped
public class TokenizerLookup {

    static {
        System.setProperty("ai.djl.offline", "true");
    }

    @Inject
    BaseModelLookup models;

    private final Map<Path, HuggingFaceTokenizer> loaded = new ConcurrentHashMap<>();

    /** Pages show statistics and estimates on every view; the same texts need not be tokenized each time. */
    private final TokenCounts counts = new TokenCounts(200_000);

    /** A function counting the tokens of a text (without special tokens), or empty when no tokenizer is here. */
    public Optional<ToIntFunction<String>> counterFor(String baseModel) {
        Optional<Path> path = locate(baseModel);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            HuggingFaceTokenizer tokenizer = load(path.get());
            Path key = path.get();
            return Optional.of(text -> text.isEmpty() ? 0 : counts.get(key, text,
                    () -> tokenizer.encode(text, false, false).getIds().length));
        } catch (RuntimeException e) {
            Log.warnf("Token statistics unavailable: cannot load %s (%s)", path.get(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The tokenizer.json of a base model on this machine, if any. */
    public Optional<Path> locate(String baseModel) {
        return models.directory(baseModel).map(dir -> dir.resolve("tokenizer.json")).filter(Files::isRegularFile);
    }

    private HuggingFaceTokenizer load(Path tokenizerJson) {
        return loaded.computeIfAbsent(tokenizerJson, path -> {
            try {
                return HuggingFaceTokenizer.builder()
                        .optTokenizerPath(path)
                        .optAddSpecialTokens(false)
                        .optTruncation(false)
                        .optPadding(false)
                        .build();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read tokenizer " + path + ": " + e.getMessage(), e);
            }
        });
    }

    @PreDestroy
    void close() {
        loaded.values().forEach(HuggingFaceTokenizer::close);
        loaded.clear();
    }
}
