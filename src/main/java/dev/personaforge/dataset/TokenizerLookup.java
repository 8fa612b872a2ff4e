package dev.personaforge.dataset;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.personaforge.common.ForgeConfig;
import dev.personaforge.persona.BaseModelReference;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * Finds the tokenizer of a base model when it is on this machine (a local model directory, a model
 * downloaded into {@code data/models}, or the standard Hugging Face cache) so pair lengths can be told in tokens.
 */
@ApplicationScoped
public class TokenizerLookup {

    static {
        System.setProperty("ai.djl.offline", "true");
    }

    @Inject
    ForgeConfig config;

    private final Map<Path, HuggingFaceTokenizer> loaded = new ConcurrentHashMap<>();

    /** A function counting the tokens of a text (without special tokens), or empty when no tokenizer is here. */
    public Optional<ToIntFunction<String>> counterFor(String baseModel) {
        Optional<Path> path = locate(baseModel);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            HuggingFaceTokenizer tokenizer = load(path.get());
            return Optional.of(text -> text.isEmpty() ? 0 : tokenizer.encode(text, false, false).getIds().length);
        } catch (RuntimeException e) {
            Log.warnf("Token statistics unavailable: cannot load %s (%s)", path.get(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The tokenizer.json of a base model on this machine, if any. */
    public Optional<Path> locate(String baseModel) {
        Path local = BaseModelReference.localDirectory(baseModel);
        if (local != null) {
            return existing(local.resolve("tokenizer.json"));
        }
        if (!BaseModelReference.isHubId(baseModel)) {
            return Optional.empty();
        }
        String[] parts = baseModel.split("/");
        Optional<Path> downloaded = existing(config.dataDir().resolve("models").resolve(parts[0]).resolve(parts[1])
                .resolve("tokenizer.json"));
        if (downloaded.isPresent()) {
            return downloaded;
        }
        return hubCacheSnapshot(baseModel).flatMap(dir -> existing(dir.resolve("tokenizer.json")));
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
            return dirs.filter(Files::isDirectory)
                    .max(Comparator.comparing(TokenizerLookup::lastModified));
        } catch (IOException e) {
            return Optional.empty();
        }
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

    private static Optional<Path> existing(Path path) {
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    private static long lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    @PreDestroy
    void close() {
        loaded.values().forEach(HuggingFaceTokenizer::close);
        loaded.clear();
    }
}
