package dev.personaforge.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubClientTest {

    private FakeHub fake;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeHub();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void infoReadsCommitFilesHashesAndLicence() throws Exception {
        byte[] weights = TestModels.safetensors(TestModels.tinyTensors(), 1);
        TestModels.addTinyRepo(fake, "acme/tiny", weights);

        RepoInfo info = fake.client(null).info("acme/tiny", "main");

        assertEquals("acme/tiny", info.id());
        assertEquals("0123456789abcdef0123456789abcdef01234567", info.sha());
        RepoFile model = info.file("model.safetensors").orElseThrow();
        assertEquals(weights.length, model.size());
        assertEquals(FakeHub.sha256(weights), model.lfsSha256());
        RepoFile config = info.file("config.json").orElseThrow();
        assertFalse(config.isLfs());
        assertEquals(FakeHub.gitBlobSha1(TestModels.CONFIG.getBytes()), config.blobId());
        assertEquals("apache-2.0", info.license());
        assertFalse(info.isGated());
    }

    @Test
    void tokenIsSentToTheHubButNotToTheCdn() throws Exception {
        byte[] weights = TestModels.safetensors(TestModels.tinyTensors(), 1);
        TestModels.addTinyRepo(fake, "acme/tiny", weights);
        fake.redirectLfs = true;
        HubClient client = fake.client(FakeHub.TOKEN);

        client.info("acme/tiny", "main");
        try (FileStream file = client.openFile("acme/tiny", "main", "model.safetensors", 0);
             InputStream body = file.body()) {
            assertArrayEquals(weights, body.readAllBytes());
        }

        assertTrue(fake.hubAuthorizations.stream().allMatch(("Bearer " + FakeHub.TOKEN)::equals));
        assertEquals(java.util.List.of("none"), fake.cdnAuthorizations);
        assertFalse(client.toString().contains(FakeHub.TOKEN), "the token must never be printed");
    }

    @Test
    void rangeRequestStartsAtTheOffset() throws Exception {
        byte[] weights = TestModels.safetensors(TestModels.tinyTensors(), 1);
        TestModels.addTinyRepo(fake, "acme/tiny", weights);

        try (FileStream file = fake.client(null).openFile("acme/tiny", "main", "model.safetensors", 100)) {
            assertEquals(100, file.offset());
            assertEquals(weights.length - 100, file.body().readAllBytes().length);
        }
        assertEquals("model.safetensors bytes=100-", fake.ranges.get(0));
    }

    @Test
    void gatedModelWithoutTokenExplainsLicenceAndToken() {
        TestModels.addTinyRepo(fake, "meta-llama/Llama-3.2-1B", new byte[10]).gated = true;

        HubAccessException e = assertThrows(HubAccessException.class,
                () -> fake.client(null).info("meta-llama/Llama-3.2-1B", "main"));

        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("gated"), e.getMessage());
        assertTrue(e.getMessage().contains("accept the licence"), e.getMessage());
        assertTrue(e.getMessage().contains("HF_TOKEN"), e.getMessage());
        assertTrue(e.getMessage().contains(fake.endpoint() + "/meta-llama/Llama-3.2-1B"), e.getMessage());
    }

    @Test
    void gatedModelWithTokenIsServed() throws Exception {
        TestModels.addTinyRepo(fake, "meta-llama/Llama-3.2-1B", new byte[10]).gated = true;

        RepoInfo info = fake.client(FakeHub.TOKEN).info("meta-llama/Llama-3.2-1B", "main");

        assertTrue(info.isGated());
    }

    @Test
    void unknownModelAndRevisionAreNamed() {
        TestModels.addTinyRepo(fake, "acme/tiny", new byte[10]);
        HubClient client = fake.client(null);

        HubNotFoundException model = assertThrows(HubNotFoundException.class, () -> client.info("acme/nope", "main"));
        assertTrue(model.getMessage().contains("no model acme/nope"), model.getMessage());

        HubNotFoundException revision = assertThrows(HubNotFoundException.class, () -> client.info("acme/tiny", "v9"));
        assertTrue(revision.getMessage().contains("no revision 'v9'"), revision.getMessage());

        HubNotFoundException file = assertThrows(HubNotFoundException.class,
                () -> client.openFile("acme/tiny", "main", "missing.json", 0));
        assertTrue(file.getMessage().contains("no file missing.json"), file.getMessage());
    }

    @Test
    void closedPortIsUnreachableAndSuggestsALocalDirectory() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        HubClient client = new HubClient(endpoint, null, HubClient.defaultHttpClient());

        HubUnreachableException e = assertThrows(HubUnreachableException.class, () -> client.info("acme/tiny", "main"));

        assertTrue(e.getMessage().contains("at " + endpoint + " can't be reached"), e.getMessage());
        assertTrue(e.getMessage().contains("local model directory"), e.getMessage());
        assertTrue(e.getMessage().contains("HF_ENDPOINT"), e.getMessage());
    }

    @Test
    void otherStatusesAreReportedWithTheHubsOwnWords() {
        TestModels.addTinyRepo(fake, "acme/tiny", new byte[10]);
        fake.infoStatus = 503;

        HubHttpException e = assertThrows(HubHttpException.class, () -> fake.client(null).info("acme/tiny", "main"));

        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
        assertTrue(e.getMessage().contains("Service temporarily unavailable"), e.getMessage());
        assertTrue(e.getMessage().contains("try again later"), e.getMessage());
    }

    @Test
    void clientThatFollowsRedirectsItselfIsRefused() {
        java.net.http.HttpClient following = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build();

        assertThrows(IllegalArgumentException.class, () -> new HubClient(fake.endpoint(), null, following));
    }

    @Test
    void environmentChoosesEndpointAndToken() {
        HubClient defaults = HubClient.fromEnvironment(Map.of());
        assertEquals(HubClient.DEFAULT_ENDPOINT, defaults.endpoint());
        assertFalse(defaults.hasToken());

        HubClient mirror = HubClient.fromEnvironment(Map.of("HF_ENDPOINT", "https://hf-mirror.example/", "HF_TOKEN", "x"));
        assertEquals(URI.create("https://hf-mirror.example"), mirror.endpoint());
        assertTrue(mirror.hasToken());
    }

    @Test
    void invalidIdsAreRejectedBeforeAnyRequest() {
        HubClient client = fake.client(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.info("../etc", "main"));
        assertTrue(e.getMessage().contains("owner/name"));
        assertEquals(0, fake.infoRequests.get());
    }
}
