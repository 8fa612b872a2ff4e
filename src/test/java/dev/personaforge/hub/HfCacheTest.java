package dev.personaforge.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfCacheTest {

    static final String COMMIT = "abcdefabcdefabcdefabcdefabcdefabcdefabcd";

    @TempDir
    Path home;

    /** Lays out a cache entry like huggingface_hub does: blobs by hash, a snapshot of symlinks, refs/main. */
    static Path cacheModel(Path hubDir, String owner, String name, Map<String, byte[]> files) throws IOException {
        Path repo = hubDir.resolve("models--" + owner + "--" + name);
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path blob = blobs.resolve(FakeHub.sha256(f.getValue()));
            Files.write(blob, f.getValue());
            Files.createSymbolicLink(snapshot.resolve(f.getKey()), snapshot.relativize(blob));
        }
        return snapshot;
    }

    static Map<String, byte[]> tinyFiles() {
        return Map.of("config.json", TestModels.CONFIG.getBytes(),
                "tokenizer.json", TestModels.TOKENIZER.getBytes(),
                "model.safetensors", TestModels.safetensors(TestModels.tinyTensors(), 1));
    }

    @Test
    void findsASnapshotMadeOfSymlinksThroughRefsMain() throws IOException {
        HfCache cache = HfCache.atHome(home);
        Path snapshot = cacheModel(cache.hubDir(), "acme", "tiny", tinyFiles());

        assertEquals(snapshot, cache.find("acme/tiny").orElseThrow());
        assertEquals(snapshot, cache.find("acme/tiny", COMMIT).orElseThrow());
        assertTrue(cache.find("acme/tiny", "v2").isEmpty(), "an unknown ref finds nothing");
        assertTrue(cache.find("acme/other").isEmpty());
    }

    @Test
    void rejectsASnapshotMissingAShardOrTheTokenizer() throws IOException {
        HfCache cache = HfCache.atHome(home);
        Path snapshot = cacheModel(cache.hubDir(), "acme", "sharded", Map.of(
                "config.json", TestModels.CONFIG.getBytes(),
                "tokenizer.json", TestModels.TOKENIZER.getBytes(),
                "model.safetensors.index.json", ("{\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\","
                        + "\"b\":\"model-00002-of-00002.safetensors\"}}").getBytes(),
                "model-00001-of-00002.safetensors", TestModels.safetensors(Map.of("a", new long[]{2}), 1)));

        assertTrue(cache.find("acme/sharded").isEmpty());
        assertEquals(java.util.List.of("model-00002-of-00002.safetensors"), HfCache.missingFiles(snapshot));

        Files.delete(snapshot.resolve("tokenizer.json"));
        assertTrue(HfCache.missingFiles(snapshot).contains("tokenizer.json"));
    }

    @Test
    void danglingSymlinkDoesNotCount() throws IOException {
        HfCache cache = HfCache.atHome(home);
        Path snapshot = cacheModel(cache.hubDir(), "acme", "tiny", tinyFiles());
        Files.delete(snapshot.resolve("model.safetensors").toRealPath());

        assertTrue(cache.find("acme/tiny").isEmpty());
    }

    @Test
    void environmentFollowsHuggingfaceHubPrecedence() {
        Path user = Path.of("/home/u");
        assertEquals(Path.of("/c/hub"), HfCache.fromEnvironment(Map.of("HF_HUB_CACHE", "/c/hub", "HF_HOME", "/h"), user).hubDir());
        assertEquals(Path.of("/h/hub"), HfCache.fromEnvironment(Map.of("HF_HOME", "/h"), user).hubDir());
        assertEquals(Path.of("/x/huggingface/hub"), HfCache.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x"), user).hubDir());
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"), HfCache.fromEnvironment(Map.of(), user).hubDir());
    }
}
