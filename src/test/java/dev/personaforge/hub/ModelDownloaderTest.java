package dev.personaforge.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelDownloaderTest {

    private static final String ID = "acme/tiny";

    @TempDir
    Path models;

    private FakeHub fake;
    private byte[] weights;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeHub();
        weights = TestModels.bigWeights();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private ModelDownloader downloader(String token) {
        return new ModelDownloader(fake.client(token), models);
    }

    @Test
    void fullDownloadVerifiesFilesAndWritesTheMarkerLast() throws Exception {
        TestModels.addTinyRepo(fake, ID, weights);
        fake.redirectLfs = true;
        List<DownloadProgress> progress = Collections.synchronizedList(new ArrayList<>());
        ModelDownloader downloader = downloader(null);

        DownloadHandle handle = downloader.download(ID, null);
        handle.subscribe(progress::add);
        InstallMarker marker = handle.await();

        Path dir = models.resolve("acme/tiny");
        assertEquals(dir, downloader.directoryFor(ID));
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertEquals(TestModels.CONFIG, Files.readString(dir.resolve("config.json")));
        Set<String> names = marker.files().stream().map(InstallMarker.InstalledFile::name).collect(Collectors.toSet());
        assertEquals(Set.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                "special_tokens_map.json", "README.md", "LICENSE", "model.safetensors"), names);
        assertFalse(Files.exists(dir.resolve("pytorch_model.bin")), "other weight formats are not fetched");
        assertFalse(Files.exists(dir.resolve("onnx")));
        assertEquals("0123456789abcdef0123456789abcdef01234567", marker.commit());
        assertEquals(marker, InstallMarker.read(dir).orElseThrow());
        assertTrue(downloader.installed(ID).isPresent());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".part")));
        }
        assertTrue(fake.log.contains("cdn /cdn/acme/tiny/model.safetensors"), "LFS files follow the redirect");
        assertFalse(progress.isEmpty());
        DownloadProgress last = progress.get(progress.size() - 1);
        assertEquals(last.overallTotal(), last.overallDone());
        assertTrue(downloader.inFlight(ID).isEmpty());
    }

    @Test
    void installedModelIsNotDownloadedAgain() throws Exception {
        TestModels.addTinyRepo(fake, ID, weights);
        ModelDownloader downloader = downloader(null);
        downloader.download(ID, null).await();
        int before = fake.requestsFor("model.safetensors");

        downloader.download(ID, "main").await();

        assertEquals(before, fake.requestsFor("model.safetensors"));
        assertEquals(2, fake.infoRequests.get());
    }

    @Test
    void interruptedTransferResumesWithARangeRequest() throws Exception {
        TestModels.addTinyRepo(fake, ID, weights);
        fake.dropAfter.put("model.safetensors", 50_000L);
        ModelDownloader downloader = downloader(null);

        TransferInterruptedException e = assertThrows(TransferInterruptedException.class,
                () -> downloader.download(ID, null).await());
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        Path part = models.resolve("acme/tiny/model.safetensors.part");
        // The server sent 50,000 bytes; the socket may lose a tail of them as it breaks, never more.
        long kept = Files.size(part);
        assertTrue(kept > 0 && kept <= 50_000L, "part holds " + kept + " bytes");
        assertTrue(downloader.installed(ID).isEmpty());

        downloader.download(ID, null).await();

        assertTrue(fake.ranges.contains("model.safetensors bytes=" + kept + "-"), fake.ranges.toString());
        assertEquals(50_000L + weights.length - kept, fake.served("model.safetensors"), "only the rest was sent again");
        assertArrayEquals(weights, Files.readAllBytes(models.resolve("acme/tiny/model.safetensors")));
        assertFalse(Files.exists(part));
    }

    @Test
    void serverIgnoringRangeGetsAFullDownload() throws Exception {
        TestModels.addTinyRepo(fake, ID, weights);
        Path dir = Files.createDirectories(models.resolve("acme/tiny"));
        Files.write(dir.resolve("model.safetensors.part"), java.util.Arrays.copyOf(weights, 1000));
        fake.ignoreRange = true;

        downloader(null).download(ID, null).await();

        assertTrue(fake.ranges.contains("model.safetensors bytes=1000-"));
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
    }

    @Test
    void partFromAnOlderCommitIsDownloadedAgainFromTheStart() throws Exception {
        TestModels.addTinyRepo(fake, ID, weights);
        Path dir = Files.createDirectories(models.resolve("acme/tiny"));
        Files.write(dir.resolve("model.safetensors.part"), new byte[1000]);

        downloader(null).download(ID, null).await();

        assertEquals(List.of("model.safetensors bytes=1000-", "model.safetensors none"), fake.ranges.stream()
                .filter(r -> r.startsWith("model.safetensors")).toList());
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
    }

    @Test
    void hashMismatchNamesTheFileAndLeavesNothingCorrupt() throws Exception {
        TestModels.addTinyRepo(fake, ID, weights);
        fake.corrupt.add("model.safetensors");

        FileVerificationException e = assertThrows(FileVerificationException.class,
                () -> downloader(null).download(ID, null).await());

        assertEquals("model.safetensors", e.file());
        assertEquals(FakeHub.sha256(weights), e.expected());
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains(e.expected()) && e.getMessage().contains(e.actual()), e.getMessage());
        Path dir = models.resolve("acme/tiny");
        assertFalse(Files.exists(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(dir.resolve("model.safetensors.part")));
        assertFalse(Files.exists(dir.resolve(InstallMarker.FILE_NAME)));
    }

    @Test
    void corruptGitFileFailsOnItsBlobHash() {
        TestModels.addTinyRepo(fake, ID, weights);
        fake.corrupt.add("config.json");

        FileVerificationException e = assertThrows(FileVerificationException.class,
                () -> downloader(null).download(ID, null).await());

        assertEquals("config.json", e.file());
        assertEquals(FakeHub.gitBlobSha1(TestModels.CONFIG.getBytes()), e.expected());
        assertTrue(e.getMessage().contains("git blob SHA-1"), e.getMessage());
    }

    @Test
    void concurrentRequestsShareOneDownload() throws Exception {
        TestModels.addTinyRepo(fake, ID, weights);
        fake.gate = new CountDownLatch(1);
        ModelDownloader downloader = downloader(null);

        DownloadHandle first = downloader.download(ID, null);
        DownloadHandle second = downloader.download("ACME/tiny", null);
        List<DownloadProgress> seenBySecond = Collections.synchronizedList(new ArrayList<>());
        second.subscribe(seenBySecond::add);
        assertSame(first, second);
        assertSame(first, downloader.inFlight(ID).orElseThrow());
        fake.gate.countDown();

        InstallMarker marker = first.await();
        assertEquals(marker, second.result().get(10, TimeUnit.SECONDS));

        for (String file : List.of("config.json", "tokenizer.json", "model.safetensors")) {
            assertEquals(1, fake.requestsFor(file), file);
        }
        assertEquals(1, fake.infoRequests.get());
        assertFalse(seenBySecond.isEmpty());
    }

    @Test
    void cancellationKeepsTheResumablePart() throws Exception {
        TestModels.addTinyRepo(fake, ID, weights);
        fake.stallAfter.put("model.safetensors", 30_000L);
        ModelDownloader downloader = downloader(null);
        Path part = models.resolve("acme/tiny/model.safetensors.part");

        DownloadHandle handle = downloader.download(ID, null);
        assertTrue(fake.stalled.await(10, TimeUnit.SECONDS));
        waitForSize(part, 30_000L);
        handle.cancel();

        assertThrows(DownloadCancelledException.class, handle::await);
        assertEquals(30_000L, Files.size(part));
        assertTrue(downloader.installed(ID).isEmpty());

        fake.stallAfter.clear();
        fake.release.countDown();
        downloader.download(ID, null).await();
        assertTrue(fake.ranges.contains("model.safetensors bytes=30000-"), fake.ranges.toString());
        assertArrayEquals(weights, Files.readAllBytes(models.resolve("acme/tiny/model.safetensors")));
    }

    @Test
    void shardedModelFetchesEveryShardOfTheIndex() throws Exception {
        byte[] shard1 = TestModels.safetensors(Map.of("a", new long[]{10, 10}), 1);
        byte[] shard2 = TestModels.safetensors(Map.of("b", new long[]{5}), 2);
        fake.add(ID, "1111111111111111111111111111111111111111")
                .file("config.json", TestModels.CONFIG)
                .file("tokenizer.json", TestModels.TOKENIZER)
                .file("model.safetensors.index.json", "{\"metadata\":{},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\","
                        + "\"b\":\"model-00002-of-00002.safetensors\"}}")
                .file("model-00001-of-00002.safetensors", shard1)
                .file("model-00002-of-00002.safetensors", shard2);

        InstallMarker marker = downloader(null).download(ID, null).await();

        Path dir = models.resolve("acme/tiny");
        assertArrayEquals(shard1, Files.readAllBytes(dir.resolve("model-00001-of-00002.safetensors")));
        assertArrayEquals(shard2, Files.readAllBytes(dir.resolve("model-00002-of-00002.safetensors")));
        assertEquals(5, marker.files().size());
        assertEquals(1, fake.requestsFor("model.safetensors.index.json"));
        assertTrue(HfCache.missingFiles(dir).isEmpty());
    }

    @Test
    void repositoryWithoutSafetensorsIsRefused() {
        fake.add(ID, "2222222222222222222222222222222222222222")
                .file("config.json", TestModels.CONFIG)
                .file("pytorch_model.bin", new byte[]{1, 2});

        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> downloader(null).download(ID, null).await());

        assertTrue(e.getMessage().contains("only safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains("pytorch_model.bin"), e.getMessage());
        assertFalse(Files.exists(models.resolve("acme/tiny/config.json")), "nothing is fetched from a refused repo");
    }

    @Test
    void gatedRepositoryNeedsTheToken() throws Exception {
        TestModels.addTinyRepo(fake, ID, weights).gated = true;

        HubAccessException e = assertThrows(HubAccessException.class, () -> downloader(null).download(ID, null).await());
        assertTrue(e.getMessage().contains("HF_TOKEN"));

        downloader(FakeHub.TOKEN).download(ID, null).await();
        assertTrue(fake.hubAuthorizations.contains("Bearer " + FakeHub.TOKEN));
    }

    @Test
    void offlineInstalledModelIsStillUsable() throws Exception {
        TestModels.addTinyRepo(fake, ID, weights);
        downloader(null).download(ID, null).await();
        fake.close();

        InstallMarker marker = downloader(null).download(ID, null).await();

        assertEquals(ID, marker.repoId());
    }

    private static void waitForSize(Path file, long size) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(file) && Files.size(file) == size)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(file + " never reached " + size + " bytes");
            }
            Thread.sleep(10);
        }
    }
}
