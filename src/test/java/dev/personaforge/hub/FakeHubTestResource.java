package dev.personaforge.hub;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Serves a fake Hugging Face Hub to the app under test (its {@code forge.hub.endpoint}), holding copies of the
 * stories260k checkpoint: {@code forge-test/stories-260k} (MIT licence in its model card),
 * {@code forge-test/no-licence} (no card) and {@code forge-test/gated} (needs a token the app doesn't have).
 */
public class FakeHubTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String LICENSED = "forge-test/stories-260k";
    public static final String UNLICENSED = "forge-test/no-licence";
    public static final String GATED = "forge-test/gated";
    /** Never downloaded by the tests: its facts come from the Hub's metadata (Llama 3.2 licence in the card). */
    public static final String PREVIEW = "forge-test/preview-llama-licence";
    /** Never downloaded either, with no model card. */
    public static final String PREVIEW_UNLICENSED = "forge-test/preview-no-licence";

    private static FakeHub hub;

    /** How often the app asked the fake Hub for a file, over all repositories. */
    public static int requestsFor(String file) {
        return hub.requestsFor(file);
    }

    public static boolean available() {
        return Files.isRegularFile(stories260k().resolve("model.safetensors"));
    }

    @Override
    public Map<String, String> start() {
        try {
            deleteTree(Path.of("target", "test-data", "models", "forge-test"));
            hub = new FakeHub();
            if (available()) {
                add(LICENSED, "1111111111111111111111111111111111111111")
                        .file("README.md", "---\nlicense: mit\nlanguage: en\n---\n# stories260k\n");
                add(UNLICENSED, "2222222222222222222222222222222222222222");
                add(GATED, "3333333333333333333333333333333333333333").gated = true;
                FakeHub.Repo preview = add(PREVIEW, "4444444444444444444444444444444444444444")
                        .file("README.md", "---\nlicense: llama3.2\n---\n# stories260k under another name\n");
                preview.cardData.put("license", "llama3.2");
                add(PREVIEW_UNLICENSED, "5555555555555555555555555555555555555555");
            }
            return Map.of("forge.hub.endpoint", hub.endpoint().toString(), "forge.hub.token", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FakeHub.Repo add(String id, String sha) throws IOException {
        FakeHub.Repo repo = hub.add(id, sha);
        for (String file : new String[]{"config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                "tokenizer_config.json"}) {
            repo.file(file, Files.readAllBytes(stories260k().resolve(file)));
        }
        return repo;
    }

    private static Path stories260k() {
        return Path.of(System.getProperty("forge.shared.dir", "../shared"), "models", "stories260k");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void stop() {
        if (hub != null) {
            hub.close();
        }
    }
}
