package dev.personaforge.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelLocatorTest {

    @TempDir
    Path root;

    private ModelLocator locator() {
        return new ModelLocator(root.resolve("models"), HfCache.atHome(root.resolve("hf")));
    }

    private void install(String owner, String name) throws IOException {
        Path dir = TestModels.writeTinyModel(root.resolve("models").resolve(owner).resolve(name));
        new InstallMarker(owner + "/" + name, HfCacheTest.COMMIT,
                List.of(new InstallMarker.InstalledFile("config.json", Files.size(dir.resolve("config.json")))),
                "2026-01-01T00:00:00Z").write(dir);
    }

    @Test
    void existingDirectoryIsUsedAsIs() throws IOException {
        Path dir = TestModels.writeTinyModel(root.resolve("my-model"));

        ModelLocator.Located found = locator().resolve(dir.toString()).orElseThrow();

        assertEquals(dir.toAbsolutePath().normalize(), found.dir());
        assertEquals(ModelLocator.Source.LOCAL_DIRECTORY, found.source());
    }

    @Test
    void completeInstallComesBeforeTheHfCache() throws IOException {
        HfCacheTest.cacheModel(root.resolve("hf/hub"), "acme", "tiny", HfCacheTest.tinyFiles());
        install("acme", "tiny");

        ModelLocator.Located found = locator().resolve("acme/tiny").orElseThrow();

        assertEquals(ModelLocator.Source.INSTALLED, found.source());
        assertEquals(root.resolve("models/acme/tiny"), found.dir());
    }

    @Test
    void installWithoutMarkerFallsBackToTheHfCache() throws IOException {
        Path snapshot = HfCacheTest.cacheModel(root.resolve("hf/hub"), "acme", "tiny", HfCacheTest.tinyFiles());
        TestModels.writeTinyModel(root.resolve("models/acme/tiny"));

        ModelLocator.Located found = locator().resolve("acme/tiny").orElseThrow();

        assertEquals(ModelLocator.Source.HF_CACHE, found.source());
        assertEquals(snapshot, found.dir());
    }

    @Test
    void unknownHubIdNeedsADownload() {
        assertTrue(locator().locate("acme/absent").isEmpty());
    }

    @Test
    void referenceThatIsNeitherDirectoryNorIdIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> locator().locate(root.resolve("nowhere/at/all").toString()));

        assertTrue(e.getMessage().contains("neither an existing directory nor a Hugging Face id"), e.getMessage());
    }
}
